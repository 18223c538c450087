/**
 * One instance's worker: it carries out the goals the server assigns, one at a time and
 * always the newest, keeps `state.json`, probes the instance between goals and says what
 * it sees in `report()`. Different instances have different workers and run in parallel.
 *
 * A goal's outcome is written to disk before it is reported, so an agent restarted after
 * finishing a goal does not redo it (and a goal interrupted midway is redone safely: see
 * `planGoalStep` and `release-switch.ts`).
 */
import type { Logger } from 'pino';
import type { InstanceAssignment, InstanceReport } from '../core/agent-protocol.js';
import type { ObservedStatus, VersionSource } from '../core/types.js';
import { effectiveVersionCheck, type VersionCheck } from '../core/version-check.js';
import { currentVersion } from './current-link.js';
import { goalLogFields } from './goal-log-fields.js';
import { planGoalStep } from './goal-step.js';
import { currentLink, releasesDir } from './host-layout.js';
import { probeHealth, probeOnce, type ProofContext } from './instance-probe.js';
import { reported, reusableCommandResult, versionCheckKey, type Observed } from './instance-observation.js';
import type { LaunchRecord } from './launch-record.js';
import { EMPTY_INSTANCE_STATE, readInstanceState, writeInstanceState, type InstanceState } from './instance-state-file.js';
import type { InstanceSupervisor } from './instance-supervisor.js';
import { removeTree } from './read-only-tree.js';
import type { InstallLimits } from './install-limits.js';
import type { ReleaseClaims } from './release-claims.js';
import { collectGarbage, launchSpecFor, probeInstance, proofContextFor, switchRelease, type GoalResult } from './release-switch.js';
import { GoalSpans } from './goal-spans.js';
import type { Tracing } from '../tracing/start-tracing.js';

export interface WorkerContext {
  root: string;
  supervisor: InstanceSupervisor;
  claims: ReleaseClaims;
  log: Logger;
  /** A release was installed or deleted on this host. */
  releasesChanged(): void;
  /**
   * Something worth reporting changed: a status, a version, or a goal's outcome, which
   * the server waits for before it starts the next rollout batch.
   */
  onChange(change?: { goalFinished: boolean }): void;
  limits?: InstallLimits;
  /** PEM CA certificates for https package servers. */
  ca?: string;
  /** Aborts when the agent stops: a download in progress is cut short and its goal redone on the next start. */
  stopping?: AbortSignal;
  /** The agent's clock (startup probe deadlines). */
  now: () => number;
  /** The agent's trace SDK; null or absent when no OTLP endpoint is set. */
  tracing?: Tracing | null;
}

type Goal = InstanceAssignment & { version: string };

export class InstanceWorker {
  private state: InstanceState = { ...EMPTY_INSTANCE_STATE };
  private latest: InstanceAssignment | null = null;
  /** False once the instance left the server's assignments: its directory is to go. */
  private assigned = true;
  private gone = false;
  private busy = false;
  private loop: Promise<void> | null = null;
  private loaded: Promise<void>;
  private observed: Observed | null = null;
  /** The latest process record seen: its port is still probed with a `process` check once the process died. */
  private lastRecord: LaunchRecord | null = null;
  private final: Pick<InstanceState, 'achieved_generation' | 'outcome'> | null = null;
  /** Withdraws the goal in progress (its download, if one runs): a newer goal or unassignment. */
  private withdraw: AbortController | null = null;
  private workingGeneration = 0;

  constructor(
    private readonly ctx: WorkerContext,
    readonly instanceId: string,
    readonly service: string,
    private readonly dir: string,
  ) {
    this.loaded = readInstanceState(dir).then((s) => void (this.state = s));
  }

  /** Hands over the newest assignment; work starts at once unless a goal is in progress. */
  offer(assignment: InstanceAssignment): void {
    this.latest = assignment;
    this.assigned = true;
    this.gone = false;
    if (assignment.generation > this.workingGeneration) this.withdraw?.abort();
    this.kick();
  }

  /** The instance is no longer assigned to this host: stop it and delete its directory. */
  unassign(): void {
    this.assigned = false;
    this.withdraw?.abort();
    this.kick();
  }

  /** True while a goal is being carried out; its end is reported, whatever the process did meanwhile. */
  get working(): boolean {
    return this.busy;
  }

  /** True once the directory is deleted; the worker may then be dropped after a final report. */
  get removed(): boolean {
    return this.gone && !this.assigned && this.loop === null;
  }

  /** Resolves when no work is queued or running. */
  async settled(): Promise<void> {
    await this.loaded;
    while (this.loop !== null) await this.loop;
  }

  /** Runs the queued work now, e.g. on the reconcile tick. */
  kick(): void {
    if (this.loop !== null) return;
    this.loop = this.drain()
      .catch((err: Error) => this.ctx.log.error({ instance_id: this.instanceId, err: err.message }, 'instance worker failed'))
      .finally(() => (this.loop = null));
  }

  private async drain(): Promise<void> {
    await this.loaded;
    for (;;) {
      if (this.ctx.stopping?.aborted) return;
      if (!this.assigned) return this.gone ? undefined : this.removeFromHost();
      const goal = this.latest;
      if (goal === null) return;
      if (goal.generation <= this.state.achieved_generation) return this.keepAlive(goal);
      await this.achieve(goal);
    }
  }

  private async achieve(a: InstanceAssignment): Promise<void> {
    this.busy = true;
    this.ctx.onChange();
    this.withdraw = new AbortController();
    this.workingGeneration = a.generation;
    let result: GoalResult;
    try {
      result = await this.execute(a);
    } catch (err) {
      const message = `agent error on instance ${this.instanceId}: ${(err as Error).message}`;
      result = { outcome: { generation: a.generation, ok: false, code: 'agent_error', message, switched: false }, run: this.ctx.supervisor.snapshot(this.instanceId).running };
    } finally {
      this.busy = false;
      this.withdraw = null;
    }
    // Cut short by the agent stopping: nothing is recorded, so the next start redoes the goal.
    if (this.ctx.stopping?.aborted && !result.outcome.ok && result.outcome.code === 'superseded' && !result.outcome.switched) return;
    const next: InstanceState = { achieved_generation: a.generation, outcome: result.outcome, run: result.run, switching: null };
    try {
      writeInstanceState(this.dir, next);
    } catch (err) {
      this.ctx.log.error({ instance_id: this.instanceId, err: (err as Error).message }, 'cannot write state.json');
    }
    // The report that carries this outcome must also carry the new process's probed
    // version: the periodic probe last saw the old pid (or none). A successful goal's
    // startup probe has just seen it ready on a.version; otherwise probe once now.
    if (result.outcome.ok && result.run && a.version !== null) this.noteReady(a.version, result.source ?? null, effectiveVersionCheck(a));
    else if (result.run) await this.observe();
    this.state = next;
    const fields = { instance_id: this.instanceId, service: a.service, version: a.version, generation: a.generation, ...goalLogFields(a), outcome: result.outcome };
    // A failed install, start or probe is an expected outcome: one line with its code and reason, no stack.
    if (result.outcome.ok) this.ctx.log.info(fields, 'goal finished');
    else this.ctx.log.warn({ ...fields, error_code: result.outcome.code }, `goal failed: ${result.outcome.message ?? result.outcome.code ?? 'unknown reason'}`);
    this.ctx.onChange({ goalFinished: true });
    if (result.outcome.ok && result.outcome.switched && a.version !== null) await collectGarbage(this.ctx, a as Goal);
  }

  private async execute(a: InstanceAssignment): Promise<GoalResult> {
    const linkVersion = currentVersion(this.dir);
    const snapshot = this.ctx.supervisor.snapshot(this.instanceId);
    const interrupted = this.state.switching?.generation === a.generation;
    const step = planGoalStep(a, {
      achievedGeneration: this.state.achieved_generation,
      linkVersion,
      runningVersion: snapshot.version,
      interruptedSwitch: interrupted,
    });
    this.ctx.log.info({ instance_id: this.instanceId, version: a.version, generation: a.generation, ...goalLogFields(a), step }, 'working on goal');
    const ok = (switched: boolean, run: boolean): GoalResult => ({ outcome: { generation: a.generation, ok: true, code: null, message: null, switched }, run });
    switch (step.kind) {
      case 'none':
        return ok(false, this.state.run);
      case 'stop':
        await this.ctx.supervisor.halt(this.instanceId, this.dir);
        return ok(false, false);
      case 'probe': {
        const probed = await probeInstance(this.switchContext(a), a as Goal, snapshot.exited, snapshot.record);
        return probed.ok ? { ...ok(false, true), ...(probed.source ? { source: probed.source } : {}) } : { outcome: { generation: a.generation, ok: false, code: probed.code, message: probed.message, switched: false }, run: true };
      }
      case 'switch': {
        const from = interrupted ? (this.state.switching?.from ?? null) : linkVersion;
        return switchRelease(this.switchContext(a), a as Goal, from, this.state.run);
      }
    }
  }

  private switchContext(a: InstanceAssignment): Parameters<typeof switchRelease>[0] {
    return {
      root: this.ctx.root,
      instanceDir: this.dir,
      supervisor: this.ctx.supervisor,
      claims: this.ctx.claims,
      releasesChanged: this.ctx.releasesChanged,
      log: this.ctx.log,
      markSwitching: async (from) => {
        this.state = { ...this.state, switching: { generation: a.generation, from } };
        writeInstanceState(this.dir, this.state);
      },
      superseded: () => !this.assigned || (this.latest?.generation ?? 0) > a.generation,
      now: this.ctx.now,
      spans: new GoalSpans(this.ctx.tracing ?? null, a),
      install: {
        ...(this.ctx.limits ? { limits: this.ctx.limits } : {}),
        ...(this.ctx.ca !== undefined ? { ca: this.ctx.ca } : {}),
        signal: AbortSignal.any([this.withdraw?.signal ?? new AbortController().signal, ...(this.ctx.stopping ? [this.ctx.stopping] : [])]),
      },
    };
  }

  /** Between goals: a process that should run but does not (e.g. it died while no agent ran) is started. */
  private keepAlive(a: InstanceAssignment): void {
    const spec = launchSpecFor(a, this.dir);
    if (this.state.run && a.version !== null) this.ctx.supervisor.keepRunning(spec);
    else this.ctx.supervisor.updateSpec(spec);
  }

  private async removeFromHost(): Promise<void> {
    this.ctx.log.info({ instance_id: this.instanceId }, 'instance no longer assigned to this host; stopping it and removing its directory');
    await this.ctx.supervisor.halt(this.instanceId, this.dir);
    this.ctx.supervisor.forget(this.instanceId);
    await removeTree(this.dir);
    this.gone = true;
    this.latest = null;
    // A re-added instance starts from nothing; the final report still names the last goal.
    this.final = { achieved_generation: this.state.achieved_generation, outcome: this.state.outcome };
    this.state = { ...EMPTY_INSTANCE_STATE };
    this.ctx.onChange();
  }

  /**
   * Probes the running process once, between goals, and notes its status, its version and
   * how that was proven. Uses the assignment's paths and check when there is one, else those
   * recorded at launch (an adopted process before the assignments arrive). With a `process`
   * check the port is looked at even when the process the agent started is gone: whatever
   * listens there now is someone else's, a `foreign_listener` refusal in the report. A
   * `command` check is not run on every probe: see `reusableCommandResult`.
   */
  async observe(): Promise<void> {
    await this.loaded;
    const record = this.ctx.supervisor.snapshot(this.instanceId).record;
    if (record !== null) this.lastRecord = record;
    const known = record ?? this.lastRecord;
    if (this.busy || known === null) return;
    // An older server sends no check, and an older pid.json has none: `http` on the version path.
    const check = effectiveVersionCheck(this.latest ?? known);
    if (record === null && (check.type !== 'process' || !this.state.run)) return;
    const target = {
      instanceId: this.instanceId,
      port: this.latest?.port ?? known.port,
      healthPath: this.latest?.health_path ?? known.health_path,
      versionPath: this.latest?.version_path ?? known.version_path,
      versionCheck: check,
      proof: this.proofContext(record),
    };
    const key = versionCheckKey(check);
    const now = this.ctx.now();
    const reused = record !== null ? reusableCommandResult(this.observed, check, key, record.pid, now) : null;
    const probed = reused !== null ? { ...reused, healthy: await probeHealth(target) } : await probeOnce(target, known.version);
    const next: Observed = {
      pid: record?.pid ?? null,
      status: probed.healthy ? 'ready' : 'unhealthy',
      version: probed.version,
      source: probed.source,
      refusal: probed.refusal,
      check: key,
      checkedAt: reused?.checkedAt ?? now,
    };
    const before = this.observed;
    this.observed = next;
    if (before === null || reported(before) !== reported(next)) this.ctx.onChange();
  }

  private proofContext(record: LaunchRecord | null): ProofContext {
    if (this.latest !== null) return proofContextFor(this.ctx.root, this.latest, this.dir, record);
    const env: Record<string, string> = process.env.PATH !== undefined ? { PATH: process.env.PATH } : {};
    return { releasesDir: releasesDir(this.ctx.root, this.service), started: record, cwd: currentLink(this.dir), env };
  }

  /** Records what a passed startup probe saw, for the process running now. */
  private noteReady(version: string, source: VersionSource | null, check: VersionCheck): void {
    const pid = this.ctx.supervisor.snapshot(this.instanceId).pid;
    if (pid !== null) this.observed = { pid, status: 'ready', version, source, refusal: null, check: versionCheckKey(check), checkedAt: this.ctx.now() };
  }

  /** What the heartbeat says about this instance. */
  report(): InstanceReport {
    const snapshot = this.ctx.supervisor.snapshot(this.instanceId);
    const probed = this.observed !== null && this.observed.pid === snapshot.pid ? this.observed : null;
    return {
      instance_id: this.instanceId,
      service: this.service,
      status: this.status(snapshot.running, snapshot.crashed, probed?.status),
      version: snapshot.running ? (probed?.version ?? null) : null,
      version_source: snapshot.running ? (probed?.source ?? null) : null,
      version_refusal: probed?.refusal ?? null,
      pid: snapshot.pid,
      achieved_generation: (this.gone ? this.final : this.state)?.achieved_generation ?? 0,
      outcome: (this.gone ? this.final : this.state)?.outcome ?? null,
    };
  }

  private status(running: boolean, crashed: boolean, probed: ObservedStatus | undefined): ObservedStatus {
    if (this.gone) return 'stopped';
    if (this.busy) return 'starting';
    if (running) return probed ?? 'starting';
    return crashed || this.state.run ? 'crashed' : 'stopped';
  }
}
