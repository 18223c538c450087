/**
 * Asks an instance over loopback whether it is healthy, and proves which version it runs
 * (`version-proof/`: its own answer, the process on its port, or a command from its
 * release). The version must be proven, never hoped: only that shows the new code runs
 * (seed 000 R4). `probeStartup` gates a goal; `probeOnce` feeds periodic status.
 */
import { crashTail } from './instance-log.js';
import type { Reason, VerifyCheck } from '../core/types.js';
import { effectiveVersionCheck, type VersionCheck, type VersionSource } from '../core/version-check.js';
import type { ExitInfo } from './drivers/process-driver.js';
import { PROBE_REQUEST_TIMEOUT_MS } from './version-proof/http-proof.js';
import { proveVersion } from './version-proof/prove-version.js';
import type { ProofResult, ProofTarget } from './version-proof/proof-result.js';
import { extendStreak, isPersistent, unavailableMessage, type UnavailableStreak } from './version-proof/version-unavailable.js';
import { runVerifyChecks } from './verify-checks.js';

export { PROBE_REQUEST_TIMEOUT_MS } from './version-proof/http-proof.js';
/**
 * Pause between health polls while an instance is starting. Readiness is noticed on
 * average half of this late, once per instance and per rollout batch; each poll costs
 * the agent ~0.3 ms of CPU, which adds up when many instances start at once (on 2 cores,
 * 10 ms lengthened 8 simultaneous starts; 20 ms did not measurably).
 */
export const STARTUP_POLL_MS = 20;

/** What `process` and `command` checks need besides the port (see `ProofTarget`). */
export type ProofContext = Pick<ProofTarget, 'releasesDir' | 'started' | 'cwd' | 'env' | 'start'>;

export interface ProbeTarget {
  instanceId: string;
  port: number;
  healthPath: string;
  versionPath: string;
  /** How the version is proven; absent: `http` on `versionPath` (the v1 behaviour). */
  versionCheck?: VersionCheck;
  /** Required by `process` and `command` checks. */
  proof?: ProofContext;
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

/** A passed probe says how its version was proven (absent when verify checks alone answered). */
export type StartupProbeResult = { ok: true; source?: VersionSource } | { ok: false; code: string; message: string };

/** What one periodic probe saw: health, and the proven version with its source, or a refusal. */
export interface ProbeObservation {
  healthy: boolean;
  version: string | null;
  source: VersionSource | null;
  refusal: Reason | null;
}

/** One health and version probe: healthy or not, and what the version check proved (or refused). */
export async function probeOnce(target: ProbeTarget, expectedVersion: string | null = null): Promise<ProbeObservation> {
  const [healthy, proof] = await Promise.all([probeHealth(target), proveFor(target, expectedVersion)]);
  return {
    healthy,
    version: proof.kind === 'proven' ? proof.version : null,
    source: proof.kind === 'proven' ? proof.source : null,
    refusal: proof.kind === 'refused' ? proof.refusal : null,
  };
}

/** Health alone: true on any 2xx. */
export async function probeHealth(target: Pick<ProbeTarget, 'port' | 'healthPath'>): Promise<boolean> {
  const status = await requestStatus(target.port, target.healthPath);
  return status !== null && status >= 200 && status < 300;
}

/**
 * Polls health every STARTUP_POLL_MS until any 2xx, then requires the version check to prove
 * exactly the expected version and every verify check to pass, all within `timeoutS`.
 * Failure codes: `crashed_on_start`, `version_mismatch`, `version_unavailable` (the version
 * path keeps answering without a version: see `version-unavailable.ts`), a `process`
 * refusal (`foreign_listener`, `outside_release`), a `command` failure
 * (`version_command_timeout`, `version_command_output`, `version_command_failed`),
 * `health_timeout`, `verify_failed`, and `superseded` when a newer goal arrived meanwhile.
 */
export async function probeStartup(p: StartupProbe): Promise<StartupProbeResult> {
  const deadline = p.now() + p.timeoutS * 1000;
  const seen: { exit: ExitInfo | null } = { exit: null };
  void p.exited?.then((info) => (seen.exit = info));
  let healthy = false;
  let waiting = 'no version answer';
  let streak: UnavailableStreak | null = null;
  for (;;) {
    if (seen.exit !== null) return crashedOnStart(p, seen.exit);
    if (p.superseded()) return { ok: false, code: 'superseded', message: `a newer goal for instance ${p.instanceId} arrived while probing` };
    if (await probeHealth(p)) {
      healthy = true;
      const proof = await proveFor(p, p.expectedVersion);
      if (proof.kind === 'proven') return proof.version === p.expectedVersion ? verified(p, proof.source) : mismatched(p, proof.version, proof.source);
      const failure = startFailure(p, proof);
      if (failure !== null) return failure;
      streak = proof.kind === 'unavailable' ? extendStreak(streak, proof.why, p.now()) : null;
      if (isPersistent(streak, p.now())) return { ok: false, code: 'version_unavailable', message: unavailableMessage(p.instanceId, streak!, p.expectedVersion) };
      if (proof.kind === 'pending' || proof.kind === 'unavailable') waiting = proof.why;
    }
    if (p.now() >= deadline) return timedOut(p, healthy, waiting);
    await Promise.race([sleep(STARTUP_POLL_MS), p.exited ?? sleep(STARTUP_POLL_MS)]);
  }
}

function proveFor(target: ProbeTarget, expectedVersion: string | null): Promise<ProofResult> {
  const check = effectiveVersionCheck({ version_check: target.versionCheck, version_path: target.versionPath });
  if (check.type !== 'http' && target.proof === undefined) {
    return Promise.resolve({ kind: 'failed', code: 'agent_error', message: `a ${check.type} version check of instance ${target.instanceId} needs the instance's process and release` });
  }
  const context = target.proof ?? { releasesDir: '', started: null, cwd: '', env: {} };
  return proveVersion(check, { ...context, instanceId: target.instanceId, port: target.port, expectedVersion });
}

async function verified(p: StartupProbe, source: VersionSource): Promise<StartupProbeResult> {
  const result = await (p.aroundVerify ? p.aroundVerify(() => runVerifyChecks(p)) : runVerifyChecks(p));
  return result.ok ? { ok: true, source } : result;
}

function mismatched(p: StartupProbe, version: string, source: VersionSource): StartupProbeResult {
  return { ok: false, code: 'version_mismatch', message: `instance ${p.instanceId} answered version ${version}, expected ${p.expectedVersion} (proven by ${source.type}: ${source.detail})` };
}

/** The proofs that fail a start at once: a refusal, a broken command check, a command naming another version. */
function startFailure(p: StartupProbe, proof: ProofResult): StartupProbeResult | null {
  switch (proof.kind) {
    case 'refused':
      return { ok: false, code: proof.refusal.code, message: `instance ${p.instanceId} (version ${p.expectedVersion}): ${proof.refusal.message}` };
    case 'failed':
      return { ok: false, code: proof.code, message: `instance ${p.instanceId} (version ${p.expectedVersion}): ${proof.message}` };
    case 'mismatch':
      return { ok: false, code: 'version_mismatch', message: `instance ${p.instanceId}: ${proof.why}` };
    default:
      return null;
  }
}

function timedOut(p: StartupProbe, healthy: boolean, waiting: string): StartupProbeResult {
  if (healthy) {
    return {
      ok: false,
      code: 'version_mismatch',
      message: `instance ${p.instanceId} is healthy but its version was not proven within ${p.timeoutS} s (${waiting}), expected ${p.expectedVersion}`,
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

function probeUrl(port: number, path: string): string {
  return `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
