/**
 * `pid.json`: the process an instance runs, written right after it starts. It lets a
 * restarted agent find and adopt the process instead of starting another one, and
 * carries what is needed to probe it before the server's assignments arrive.
 */
import { rmSync } from 'node:fs';
import { pidFile } from './host-layout.js';
import { readJsonFile, writeFileAtomic } from './atomic-write.js';
import type { ProcessIdentity } from './process-liveness.js';
import type { VersionCheck } from '../core/version-check.js';

export interface LaunchRecord extends ProcessIdentity {
  /** The release the process was started from (the `current` target at that moment). */
  version: string;
  port: number;
  health_path: string;
  version_path: string;
  /** How the version is proven (absent from records of older agents: `http` on `version_path`). */
  version_check?: VersionCheck;
  /** Epoch ms. */
  started_at: number;
}

/** Synchronous, like every small agent file (see atomic-write.ts). */
export function writeLaunchRecord(instanceDirPath: string, record: LaunchRecord): void {
  writeFileAtomic(pidFile(instanceDirPath), `${JSON.stringify(record)}\n`);
}

/** The recorded launch, or null when there is none or it is not a launch record. */
export async function readLaunchRecord(instanceDirPath: string): Promise<LaunchRecord | null> {
  const raw = (await readJsonFile(pidFile(instanceDirPath))) as Partial<LaunchRecord> | null;
  if (raw === null || typeof raw.pid !== 'number' || typeof raw.start_time !== 'number') return null;
  return {
    pid: raw.pid,
    start_time: raw.start_time,
    version: typeof raw.version === 'string' ? raw.version : '',
    port: typeof raw.port === 'number' ? raw.port : 0,
    health_path: typeof raw.health_path === 'string' ? raw.health_path : '/healthz',
    version_path: typeof raw.version_path === 'string' ? raw.version_path : '/version',
    started_at: typeof raw.started_at === 'number' ? raw.started_at : 0,
    ...(isVersionCheck(raw.version_check) ? { version_check: raw.version_check } : {}),
  };
}

/** The agent wrote the file itself; this only keeps a damaged one from being used. */
function isVersionCheck(value: unknown): value is VersionCheck {
  if (value === null || typeof value !== 'object') return false;
  const check = value as { type?: unknown; path?: unknown; command?: unknown };
  if (check.type === 'http') return typeof check.path === 'string';
  if (check.type === 'command') return Array.isArray(check.command) && check.command.length > 0 && check.command.every((arg) => typeof arg === 'string');
  return check.type === 'process';
}

export function removeLaunchRecord(instanceDirPath: string): void {
  rmSync(pidFile(instanceDirPath), { force: true });
}
