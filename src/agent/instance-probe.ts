/**
 * Asks an instance over loopback whether it is healthy and which version it runs. The
 * version must come from the instance itself: only its own answer proves the new code
 * runs (seed 000 R4). `probeStartup` gates a goal; `probeOnce` feeds periodic status.
 */
import { crashTail } from './instance-log.js';
import type { VerifyCheck } from '../core/types.js';
import type { ExitInfo } from './drivers/process-driver.js';
import { runVerifyChecks } from './verify-checks.js';

/** Each request's own deadline, so one hung instance cannot stall the agent. */
export const PROBE_REQUEST_TIMEOUT_MS = 2000;
/**
 * Pause between health polls while an instance is starting. Readiness is noticed on
 * average half of this late, once per instance and per rollout batch; each poll costs
 * the agent ~0.3 ms of CPU, which adds up when many instances start at once (on 2 cores,
 * 10 ms lengthened 8 simultaneous starts; 20 ms did not measurably).
 */
export const STARTUP_POLL_MS = 20;

export interface ProbeTarget {
  instanceId: string;
  port: number;
  healthPath: string;
  versionPath: string;
}

export interface StartupProbe extends ProbeTarget {
  expectedVersion: string;
  timeoutS: number;
  /** Resolves if the process exits; a process that dies while starting fails at once. */
  exited: Promise<ExitInfo> | null;
  /** Checked between polls: true once a newer goal makes this probe pointless. */
  superseded: () => boolean;
  verify: readonly VerifyCheck[];
  /** Wraps the verify checks once the version matched (the agent's `ferry.instance.verify` span). */
  aroundVerify?: (run: () => Promise<StartupProbeResult>) => Promise<StartupProbeResult>;
  logFile: string;
  /** The clock the `timeoutS` deadline is measured on. */
  now: () => number;
}

export type StartupProbeResult = { ok: true } | { ok: false; code: string; message: string };

/** One health and version probe: the instance's own answers, or unhealthy and null. */
export async function probeOnce(target: ProbeTarget): Promise<{ healthy: boolean; version: string | null }> {
  const [health, version] = await Promise.all([requestStatus(target.port, target.healthPath), requestVersion(target.port, target.versionPath)]);
  return { healthy: health !== null && health >= 200 && health < 300, version };
}

/**
 * Polls health every STARTUP_POLL_MS until any 2xx, then requires the version probe to answer
 * exactly the expected version and every verify check to pass, all within `timeoutS`.
 * Failure codes: `crashed_on_start`, `version_mismatch`, `health_timeout`, `verify_failed`,
 * and `superseded` when a newer goal arrived meanwhile.
 */
export async function probeStartup(p: StartupProbe): Promise<StartupProbeResult> {
  const deadline = p.now() + p.timeoutS * 1000;
  const seen: { exit: ExitInfo | null } = { exit: null };
  void p.exited?.then((info) => (seen.exit = info));
  let healthy = false;
  for (;;) {
    if (seen.exit !== null) return crashedOnStart(p, seen.exit);
    if (p.superseded()) return { ok: false, code: 'superseded', message: `a newer goal for instance ${p.instanceId} arrived while probing` };
    const status = await requestStatus(p.port, p.healthPath);
    if (status !== null && status >= 200 && status < 300) {
      healthy = true;
      const answered = await requestVersion(p.port, p.versionPath);
      if (answered !== null && answered !== p.expectedVersion) {
        return { ok: false, code: 'version_mismatch', message: `instance ${p.instanceId} answered version ${answered}, expected ${p.expectedVersion}` };
      }
      if (answered === p.expectedVersion) return p.aroundVerify ? p.aroundVerify(() => runVerifyChecks(p)) : runVerifyChecks(p);
    }
    if (p.now() >= deadline) return timedOut(p, healthy);
    await Promise.race([sleep(STARTUP_POLL_MS), p.exited ?? sleep(STARTUP_POLL_MS)]);
  }
}

function timedOut(p: StartupProbe, healthy: boolean): StartupProbeResult {
  if (healthy) {
    return {
      ok: false,
      code: 'version_mismatch',
      message: `instance ${p.instanceId} is healthy but answered no version on ${p.versionPath} within ${p.timeoutS} s, expected ${p.expectedVersion}`,
    };
  }
  return { ok: false, code: 'health_timeout', message: `instance ${p.instanceId} (version ${p.expectedVersion}) not healthy within ${p.timeoutS} s` };
}

async function crashedOnStart(p: StartupProbe, exit: ExitInfo): Promise<StartupProbeResult> {
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : exit.code !== null ? `exited with code ${exit.code}` : 'exited';
  const tail = await crashTail(p.logFile, 5);
  return {
    ok: false,
    code: 'crashed_on_start',
    message: `instance ${p.instanceId} (version ${p.expectedVersion}) ${how} while starting${tail ? `; last log lines: ${tail}` : ''}`,
  };
}

/** The HTTP status of GET path, or null when nothing answered in time. */
async function requestStatus(port: number, path: string): Promise<number | null> {
  try {
    const res = await fetch(probeUrl(port, path), { signal: AbortSignal.timeout(PROBE_REQUEST_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return null;
  }
}

/** The `version` string of the JSON the version path answers, or null. */
async function requestVersion(port: number, path: string): Promise<string | null> {
  try {
    const res = await fetch(probeUrl(port, path), { signal: AbortSignal.timeout(PROBE_REQUEST_TIMEOUT_MS) });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const body = (await res.json()) as { version?: unknown };
    return typeof body.version === 'string' ? body.version : null;
  } catch {
    return null;
  }
}

function probeUrl(port: number, path: string): string {
  return `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
