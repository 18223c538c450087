/**
 * Starts one instance process from its `current` release. The process runs detached in
 * its own process group with its output in a log file, and the agent does not hold it
 * open, so instances outlive the agent (DESIGN.md, On-host layout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { currentVersion } from './current-link.js';
import type { ExitInfo, LaunchedProcess, LaunchSpec } from './drivers/process-driver.js';
import { logFile } from './host-layout.js';
import { writeStartMarker } from './instance-log.js';
import { buildLaunchCommand } from './launch-command.js';
import { writeLaunchRecord, type LaunchRecord } from './launch-record.js';
import { readProcStat } from './process-liveness.js';

/** A log over this size is rotated to `instance.log.1` when the next process starts. */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * Starts the process and records it in `pid.json`; throws when there is nothing to start.
 * `now` stamps the start marker and `started_at` (crash backoff measures uptime from it).
 */
export async function launchProcess(spec: LaunchSpec, now: () => number): Promise<LaunchedProcess> {
  const version = currentVersion(spec.instanceDir);
  if (version === null) throw new Error(`instance ${spec.instanceId} has no current release to start`);
  const command = buildLaunchCommand(spec, version);
  const log = openRotatedLog(spec.instanceDir);
  let child: ChildProcess;
  try {
    // Before the spawn, so the crashed_on_start reason quotes only this process's lines.
    writeStartMarker(log, spec.instanceId, version, now());
    const [program, ...args] = command.argv as [string, ...string[]];
    child = spawn(program, args, {
      cwd: command.cwd,
      env: command.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  child.unref();
  const exited = watchChild(child);
  const pid = child.pid;
  if (pid === undefined) {
    const failure = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`cannot start instance ${spec.instanceId}: ${failure.message}`);
  }
  // Read before the event loop runs again: the child cannot have been reaped yet.
  const record: LaunchRecord = {
    pid,
    start_time: readProcStat(pid)?.startTime ?? 0,
    version,
    port: spec.port,
    health_path: spec.healthPath,
    version_path: spec.versionPath,
    ...(spec.versionCheck ? { version_check: spec.versionCheck } : {}),
    started_at: now(),
  };
  writeLaunchRecord(spec.instanceDir, record);
  return { record, exited };
}

function watchChild(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
}

/** Synchronous, like every small agent file (see atomic-write.ts). */
function openRotatedLog(instanceDirPath: string): number {
  const file = logFile(instanceDirPath);
  mkdirSync(path.dirname(file), { recursive: true });
  const size = existsSync(file) ? statSync(file).size : 0;
  if (size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  return openSync(file, 'a');
}
