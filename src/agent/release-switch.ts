/**
 * Moves one instance to a release: install it, stop the old process, swap `current`,
 * start the new process and probe it. If the probe fails the instance goes back to the
 * release it ran before, so a bad release costs one failed attempt, not an outage.
 *
 * Order matters for crash safety: the release is complete before the old process stops
 * (a failed download leaves the instance untouched), and the release to return to is
 * persisted before anything changes, so a redo after an agent crash can still return.
 */
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { InstanceAssignment } from '../core/agent-protocol.js';
import type { GoalOutcome, VersionSource } from '../core/types.js';
import { effectiveVersionCheck } from '../core/version-check.js';
import { switchCurrentLink } from './current-link.js';
import { goalLogFields } from './goal-log-fields.js';
import { currentLink, logFile, releaseDir, releasesDir } from './host-layout.js';
import { probeStartup, type ProofContext, type StartupProbeResult } from './instance-probe.js';
import { instanceEnv } from './launch-command.js';
import type { ProcessIdentity } from './process-liveness.js';
import type { InstanceSupervisor } from './instance-supervisor.js';
import type { LaunchSpec } from './drivers/process-driver.js';
import type { ReleaseClaims } from './release-claims.js';
import { collectReleases } from './release-gc.js';
import { installRelease, type InstallOptions } from './release-installer.js';
import type { GoalSpans } from './goal-spans.js';

export interface SwitchContext {
  root: string;
  instanceDir: string;
  supervisor: InstanceSupervisor;
  claims: ReleaseClaims;
  log: Logger;
  /** A release was installed or deleted on this host. */
  releasesChanged(): void;
  /** Persists the release to return to, before the old process stops. */
  markSwitching(from: string | null): Promise<void>;
  /** True once a newer goal makes finishing this one pointless. */
  superseded(): boolean;
  /** The agent's clock; the startup probe's deadline is measured on it. */
  now: () => number;
  /** Limits, CA and the goal's abort signal (a newer goal, unassignment, the agent stopping) for the install. */
  install: InstallOptions;
  /** The goal's spans; absent in tests that trace nothing. */
  spans?: GoalSpans;
}

const failedCode = (r: { ok: boolean; code?: string }) => (r.ok ? null : (r.code ?? 'failed'));

/** A goal's outcome plus whether a process should keep running from `current` afterwards. */
export interface GoalResult {
  outcome: GoalOutcome;
  run: boolean;
  /** How a passed startup probe proved the version, for the report that carries the outcome. */
  source?: VersionSource;
}

/** The process settings of an assignment. */
export function launchSpecFor(a: InstanceAssignment, instanceDir: string): LaunchSpec {
  return {
    instanceId: a.instance_id,
    service: a.service,
    instanceDir,
    port: a.port,
    start: a.start,
    env: a.env,
    healthPath: a.health_path,
    versionPath: a.version_path,
    versionCheck: effectiveVersionCheck(a),
    ...(a.operation?.traceparent ? { traceparent: a.operation.traceparent } : {}),
  };
}

/**
 * Runs the switch to `a.version` (see the module comment). `from` is the release to return
 * to on failure; `runBefore` whether a process was meant to run before, kept when the
 * switch fails before touching anything.
 */
export async function switchRelease(ctx: SwitchContext, a: InstanceAssignment & { version: string }, from: string | null, runBefore: boolean): Promise<GoalResult> {
  const release = ctx.claims.claim(a.service, a.version);
  try {
    const install = () => installRelease(ctx.root, a.service, a.version, a.release, ctx.install);
    const installed = ctx.spans ? await ctx.spans.run('ferry.instance.install', failedCode, install) : await install();
    // A download cut short because its goal was withdrawn changed nothing; the newer goal takes over.
    if (!installed.ok && installed.code === 'cancelled') return { outcome: failed(a, 'superseded', installed.message, false), run: runBefore };
    if (!installed.ok) return { outcome: failed(a, installed.code, installed.message, false), run: runBefore };
    if (installed.downloaded) {
      ctx.releasesChanged();
      ctx.log.info({ instance_id: a.instance_id, version: a.version, ...goalLogFields(a) }, 'release installed');
    }
    await ctx.markSwitching(from);
    await ctx.supervisor.halt(a.instance_id, ctx.instanceDir);
    switchCurrentLink(ctx.instanceDir, a.version);
    const probed = await startAndProbe(ctx, a);
    if (probed.ok) {
      return { outcome: { generation: a.generation, ok: true, code: null, message: null, switched: true }, run: true, ...(probed.source ? { source: probed.source } : {}) };
    }
    // A newer goal takes over from here; returning first would only be undone again.
    if (probed.code === 'superseded') return { outcome: failed(a, probed.code, probed.message, true), run: true };
    // The goal's one failure line (instance-worker's 'goal failed') follows with the outcome of the return too.
    ctx.log.debug({ instance_id: a.instance_id, version: a.version, ...goalLogFields(a), error_code: probed.code, from }, probed.message);
    const restored = await restore(ctx, a, from);
    const back = restored ? `; returned to ${from}` : from === null ? '; no earlier release to return to' : `; could not return to ${from}`;
    return { outcome: failed(a, probed.code, `${probed.message}${back}`, true), run: restored };
  } finally {
    release();
  }
}

async function startAndProbe(ctx: SwitchContext, a: InstanceAssignment & { version: string }): Promise<StartupProbeResult> {
  const launch = async (traceparent: string | undefined) => {
    try {
      const spec = launchSpecFor(a, ctx.instanceDir);
      return { ok: true as const, ...(await ctx.supervisor.launch(traceparent ? { ...spec, traceparent } : spec)) };
    } catch (err) {
      return { ok: false as const, code: 'start_failed', message: `instance ${a.instance_id} could not start ${a.version}: ${(err as Error).message}` };
    }
  };
  const started = ctx.spans ? await ctx.spans.run('ferry.instance.start', failedCode, launch) : await launch(undefined);
  if (!started.ok) return started;
  return probeInstance(ctx, a, started.exited, started.record);
}

/**
 * Probes the instance's process against the goal version within the goal's deadline;
 * `started` is that process (pid and start time), which a `process` check must find on the port.
 */
export function probeInstance(
  ctx: Pick<SwitchContext, 'root' | 'instanceDir' | 'superseded' | 'now' | 'spans'>,
  a: InstanceAssignment & { version: string },
  exited: Parameters<typeof probeStartup>[0]['exited'],
  started: ProcessIdentity | null,
): Promise<StartupProbeResult> {
  const spans = ctx.spans;
  if (spans === undefined) return probeStartupOf(ctx, a, exited, started, undefined);
  return spans.run('ferry.instance.probe', failedCode, (probeSpan) =>
    probeStartupOf(ctx, a, exited, started, (verify) => spans.run('ferry.instance.verify', failedCode, verify, spans.child(probeSpan))),
  );
}

function probeStartupOf(
  ctx: Pick<SwitchContext, 'root' | 'instanceDir' | 'superseded' | 'now'>,
  a: InstanceAssignment & { version: string },
  exited: Parameters<typeof probeStartup>[0]['exited'],
  started: ProcessIdentity | null,
  aroundVerify: Parameters<typeof probeStartup>[0]['aroundVerify'],
): Promise<StartupProbeResult> {
  return probeStartup({
    ...(aroundVerify ? { aroundVerify } : {}),
    instanceId: a.instance_id,
    port: a.port,
    healthPath: a.health_path,
    versionPath: a.version_path,
    versionCheck: effectiveVersionCheck(a),
    proof: proofContextFor(ctx.root, a, ctx.instanceDir, started),
    expectedVersion: a.version,
    timeoutS: a.timeout_s,
    exited,
    superseded: ctx.superseded,
    verify: a.verify,
    logFile: logFile(ctx.instanceDir),
    now: ctx.now,
  });
}

/**
 * What `process` and `command` checks need of an instance: its releases, its process, its
 * `current`, its start command and its environment, without FERRY_VERSION: a command that
 * echoed it would "prove" the expected version whatever the package holds.
 */
export function proofContextFor(root: string, a: InstanceAssignment, instanceDir: string, started: ProcessIdentity | null): ProofContext {
  const { FERRY_VERSION: _told, ...env } = instanceEnv(launchSpecFor(a, instanceDir), a.version ?? '');
  return { releasesDir: releasesDir(root, a.service), started, cwd: currentLink(instanceDir), env, start: a.start };
}

/** Stops the failed process and starts the previous release again; true when one runs. */
async function restore(ctx: SwitchContext, a: InstanceAssignment, from: string | null): Promise<boolean> {
  await ctx.supervisor.halt(a.instance_id, ctx.instanceDir);
  if (from === null || !(await isDirectory(releaseDir(ctx.root, a.service, from)))) return false;
  try {
    switchCurrentLink(ctx.instanceDir, from);
    await ctx.supervisor.launch(launchSpecFor(a, ctx.instanceDir));
    ctx.log.info({ instance_id: a.instance_id, version: from, ...goalLogFields(a) }, 'returned instance to its previous release');
    return true;
  } catch (err) {
    ctx.log.error({ instance_id: a.instance_id, version: from, ...goalLogFields(a), err: (err as Error).message }, 'could not return instance to its previous release');
    return false;
  }
}

/**
 * Deletes the service's releases beyond `keep_releases`, sparing protected ones, the goal's
 * and any a goal in progress has claimed. Run after a successful switch has been reported,
 * not before: it is housekeeping, and the next rollout batch waits for that report.
 */
export async function collectGarbage(ctx: Pick<SwitchContext, 'root' | 'claims' | 'log' | 'releasesChanged'>, a: InstanceAssignment & { version: string }): Promise<void> {
  const retained = [...a.protected_versions, a.version, ...ctx.claims.claimed(a.service)];
  try {
    const removed = await collectReleases(ctx.root, a.service, a.keep_releases, retained);
    if (removed.length > 0) ctx.releasesChanged();
    if (removed.length > 0) ctx.log.info({ service: a.service, removed, ...goalLogFields(a) }, 'removed old releases');
  } catch (err) {
    ctx.log.warn({ service: a.service, err: (err as Error).message }, 'release garbage collection failed');
  }
}

function failed(a: InstanceAssignment, code: string, message: string, switched: boolean): GoalOutcome {
  return { generation: a.generation, ok: false, code, message, switched };
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory()).catch(() => false);
}
