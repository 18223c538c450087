/**
 * The deployment planner: a pure function of (operation, its targets, the service's
 * instances, now) that returns the next plan. Like Nomad's reconciler it does no I/O
 * and throws nothing; one reconcile loop applies what it returns.
 *
 * Lifecycle of an operation:
 *   pending → running ⇄ paused (a canary step waiting for promote or its timer; a user pause)
 *           → verifying (the service's verify checks once more on every changed instance)
 *           → succeeded
 *   on a failure (in-flight targets settle first):
 *           → rolling_back → rolled_back  (auto_rollback and something changed)
 *           → failed                      (nothing changed, no auto_rollback, or a rollback/restart)
 *   on an abort: → rolling_back → aborted (the changed targets returned)
 * A failure stops new targets from starting (the rest are `skipped`), a revert touches
 * exactly the targets that changed, and reverts skip steps and pauses.
 */
import { eventOf, type EventDetails } from '../events/event-catalogue.js';
import type { PlannerEventDetails } from '../events/operation-event-details.js';
import type { Instance, Operation, OperationStatus, OperationTarget, Reason, RolloutState, ServiceVersions, VerifyCheck } from '../types.js';
import { emptyPlan, type OperationPlan, type TargetChange } from './operation-plan.js';
import { batchSize, canaryStepCounts, minHealthyTimeS, progressDeadlineS } from './strategy.js';
import { stillHealthy, targetProgress } from './target-progress.js';
import { awaitsAgent, holdsBatchSlot, isActive } from './status-sets.js';
import { drainWait, readyWait, rollbackWindow } from './traffic-decisions.js';
import { canaryWeights, fillingShare } from '../traffic/canary-weights.js';
import { currentIntent, type WantedTraffic } from '../traffic/next-traffic.js';
import { EQUAL_WEIGHT, type TrafficSpec } from '../traffic/traffic-spec.js';
import { analysisPhaseOf, type AnalysisJudgement } from '../analysis/analysis-spec.js';

export interface OperationSnapshot {
  operation: Operation;
  targets: OperationTarget[];
  /** Every instance of the operation's service, by id. */
  instances: ReadonlyMap<string, Instance>;
  /** `verify` is absent or empty when the service declares no post-deploy checks. */
  service: ServiceVersions & { verify?: readonly VerifyCheck[]; drain_s?: number; traffic?: TrafficSpec | null; rollback_batch_percent?: number | null };
  /** Open sessions per instance id; an instance absent here has none. */
  openSessions?: ReadonlyMap<string, number>;
  /** Open connections per instance id as the service's traffic adapter counts them; absent when it cannot tell. */
  connections?: ReadonlyMap<string, number>;
  /** Where the operation's analysis stands (a deployment of a service with `analysis`); absent otherwise. */
  analysis?: AnalysisJudgement;
  now: number;
}

export function planOperation(snapshot: OperationSnapshot): OperationPlan {
  const plan = emptyPlan();
  if (!isActive(snapshot.operation.status)) return plan;
  const planner = new PassPlanner(snapshot, plan);
  planner.settleInFlightTargets();
  if (planner.status === 'rolling_back') planner.finishRevertWhenSettled();
  else planner.advance();
  planner.settleTraffic();
  return plan;
}

/** Working state of one pass: targets and operation as this pass has updated them so far. */
class PassPlanner {
  private readonly targets: Map<string, OperationTarget>;
  /** Traffic intents this pass decided, by instance id (also in plan.traffic when they change anything). */
  private readonly plannedTraffic = new Map<string, WantedTraffic>();
  status: OperationStatus;
  private rollout: RolloutState;

  constructor(
    private readonly snapshot: OperationSnapshot,
    private readonly plan: OperationPlan,
  ) {
    this.targets = new Map(snapshot.targets.map((t) => [t.instance_id, { ...t }]));
    this.status = snapshot.operation.status;
    this.rollout = snapshot.operation.rollout;
    if (this.status === 'pending') this.setOperation('running');
  }

  private get op(): Operation {
    return this.snapshot.operation;
  }

  private get now(): number {
    return this.snapshot.now;
  }

  settleInFlightTargets(): void {
    for (const target of this.targets.values()) {
      const instance = this.snapshot.instances.get(target.instance_id);
      if (target.status === 'healthy') {
        this.settleHealthy(target, instance);
        continue;
      }
      if (!awaitsAgent(target.status)) continue;
      const progress = targetProgress(target, instance, this.op.timeout_s, this.now);
      if (progress.state === 'in_progress') continue;
      if (target.status === 'reverting') this.settleRevert(target, progress.state === 'succeeded' ? null : progress.reason);
      else if (target.status === 'verifying') this.settleVerification(target, progress.state === 'succeeded' ? null : progress.reason);
      else if (progress.state === 'succeeded') this.reachedVersion(target);
      else this.handleAttemptFailure(target, instance, progress.reason, progress.switched);
    }
  }

  /** The agent reports the target up on its version: the health gate's clock starts. */
  private reachedVersion(target: OperationTarget): void {
    const changed = target.changed || target.from_version !== target.to_version || this.op.kind === 'restart';
    this.change(target, { status: 'healthy', changed, healthy_at: this.now });
    this.settleHealthy(target, this.snapshot.instances.get(target.instance_id));
  }

  /** Healthy for min_healthy_time_s in a row → succeeded; ready no longer → failed. */
  private settleHealthy(target: OperationTarget, instance: Instance | undefined): void {
    if (!stillHealthy(target, instance)) {
      const reason = { code: 'unhealthy_after_start', message: `instance ${target.instance_id} stopped being ready on ${target.to_version ?? 'its version'} before min_healthy_time_s passed` };
      this.change(target, { status: 'failed', reason });
      this.event('instance_failed', target.instance_id, target.to_version, { reason });
      return;
    }
    const minHealthyMs = minHealthyTimeS(this.op.strategy, this.op.kind) * 1000;
    if (this.now - (target.healthy_at ?? this.now) < minHealthyMs) return;
    if (this.hasTraffic && instance !== undefined && !this.backInTraffic(target, instance)) return;
    this.change(target, { status: 'succeeded' });
    this.madeProgress();
    this.event('instance_deployed', target.instance_id, target.to_version, {});
  }

  private settleVerification(target: OperationTarget, failure: Reason | null): void {
    if (failure === null) {
      this.change(target, { status: 'succeeded' });
      this.event('instance_verified', target.instance_id, target.to_version, {});
      return;
    }
    this.change(target, { status: 'failed', reason: failure });
    this.event('instance_failed', target.instance_id, target.to_version, { reason: failure, phase: 'verification' });
  }

  private settleRevert(target: OperationTarget, failure: Reason | null): void {
    // Returned or not, the instance goes back to the balancer: its health checks judge it from here.
    if (this.hasTraffic) this.wantTraffic(target.instance_id, { state: 'ready', weight: EQUAL_WEIGHT });
    if (failure === null) {
      this.change(target, { status: 'reverted' });
      this.event('instance_reverted', target.instance_id, target.from_version, {});
    } else {
      this.change(target, { status: 'revert_failed', reason: failure });
      this.event('instance_revert_failed', target.instance_id, target.from_version, { reason: failure });
    }
  }

  private handleAttemptFailure(target: OperationTarget, instance: Instance | undefined, reason: Reason, switched: boolean): void {
    const changed = target.changed || switched;
    if (instance !== undefined && instance.removed_at === null && target.attempts <= this.op.retry_count) {
      const generation = this.nextGeneration(instance);
      const attempt = target.attempts + 1;
      this.setGoal(instance, target.to_version, generation);
      this.change(target, { attempts: attempt, generation, changed, started_at: this.now, reason });
      this.event('instance_retry', target.instance_id, target.to_version, { attempt, reason });
      return;
    }
    this.change(target, { status: 'failed', changed, reason });
    this.event('instance_failed', target.instance_id, target.to_version, { reason });
  }

  advance(): void {
    const all = [...this.targets.values()];
    if (this.rollout.abort !== null) return this.abortWhenSettled(all);
    const missed = this.missedProgressDeadline(all);
    if (missed !== undefined) this.giveUpInFlight(all, missed);
    const failure = all.find((t) => t.status === 'failed')?.reason ?? missed ?? this.analysisFailure();
    if (failure !== undefined && failure !== null) return this.failWhenSettled(all, failure);
    if (this.status === 'verifying') {
      if (all.every((t) => t.status === 'succeeded')) this.succeed();
      return;
    }
    this.finishDrains(all);
    if (this.pauseForInconclusiveAnalysis(all)) return;
    if (this.status === 'paused') {
      if (!this.pauseEnds()) return;
      if (this.rollout.pause?.kind === 'analysis' && this.currentStepLimit(all.length) === null) this.setOperation('running', { pause: null, progress_at: this.now });
      else this.endStepPause(true);
    }
    if (this.holdForAnalysis(all)) return;
    this.startNextTargets(all);
    if (all.every((t) => t.status === 'succeeded')) this.finishOrVerify(all);
    else this.pauseAtStepEnd(all);
  }

  /**
   * Starts pending targets while the strategy allows: no more than a batch in flight
   * (a healthy target still counts until its health gate passes) and, during a canary,
   * no more than the current step's share started in total.
   */
  private startNextTargets(all: OperationTarget[]): void {
    if (this.status !== 'running') return;
    const started = all.filter((t) => t.status !== 'pending').length;
    const inFlight = all.filter((t) => holdsBatchSlot(t.status)).length;
    const stepLimit = this.currentStepLimit(all.length) ?? all.length;
    const window = this.op.kind !== 'rollback' ? batchSize(this.op.strategy, all.length) : this.hasTraffic ? rollbackWindow(all.length, this.snapshot.service.rollback_batch_percent ?? null) : all.length;
    const room = Math.min(stepLimit - started, window - inFlight);
    const next = all.filter((t) => t.status === 'pending').slice(0, Math.max(0, room));
    const gone = next.filter((t) => this.snapshot.instances.get(t.instance_id) === undefined);
    for (const target of gone) {
      this.change(target, { status: 'failed', reason: { code: 'instance_removed', message: `instance ${target.instance_id} was removed from the service` } });
    }
    // A failure stops new targets from starting, including one found in this very batch.
    if (gone.length > 0) return;
    for (const target of next) {
      const instance = this.snapshot.instances.get(target.instance_id)!;
      if (this.hasTraffic) {
        this.startDrain(target, instance);
      } else if (this.sessionsOn(target) > 0 && this.drainMs() > 0) {
        this.change(target, { status: 'draining', started_at: this.now });
        this.event('instance_draining', target.instance_id, target.from_version, { sessions: this.sessionsOn(target), drain_s: this.drainMs() / 1000 });
      } else {
        this.beginChange(target, instance);
      }
    }
  }

  private beginChange(target: OperationTarget, instance: Instance): void {
    const generation = this.nextGeneration(instance);
    this.setGoal(instance, target.to_version, generation);
    this.change(target, { status: 'deploying', attempts: 1, generation, started_at: this.now });
  }

  /**
   * A draining instance is changed once its sessions have ended or drain_s has passed,
   * whichever comes first; it already holds its place in the batch.
   *   drain_s 30, 2 sessions, drained 10 s  → keeps draining
   *   drain_s 30, 0 sessions                → changed now
   *   drain_s 30, 2 sessions, drained 30 s  → changed now
   */
  private finishDrains(all: OperationTarget[]): void {
    for (const target of all) {
      if (target.status !== 'draining') continue;
      const instance = this.snapshot.instances.get(target.instance_id);
      if (instance === undefined) {
        this.change(target, { status: 'failed', reason: { code: 'instance_removed', message: `instance ${target.instance_id} was removed from the service` } });
        continue;
      }
      const drainedFor = this.now - (target.started_at ?? this.now);
      if (this.hasTraffic) this.finishTrafficDrain(target, instance, drainedFor);
      else if (this.sessionsOn(target) === 0 || drainedFor >= this.drainMs()) this.beginChange(target, instance);
    }
  }

  /** Out of the balancer first: the instance stops taking new requests before anything stops it. */
  private startDrain(target: OperationTarget, instance: Instance): void {
    this.wantTraffic(instance.instance_id, { state: 'drain', weight: this.intentOf(instance).weight });
    this.change(target, { status: 'draining', started_at: this.now });
    this.event('instance_draining', target.instance_id, target.from_version, { sessions: this.sessionsOn(target), drain_s: this.drainMs() / 1000, traffic: true });
  }

  /** Changed once the adapter confirmed the drain and its connections ended (or the cap passed); a failed drain returns it to traffic. */
  private finishTrafficDrain(target: OperationTarget, instance: Instance, drainedForMs: number): void {
    // Someone returned it to traffic meanwhile (a release, drift clearing an isolation): drain it again first.
    if (this.intentOf(instance).state !== 'drain') return this.wantTraffic(instance.instance_id, { state: 'drain', weight: this.intentOf(instance).weight });
    const sessions = this.drainMs() > 0 ? this.sessionsOn(target) : 0;
    const wait = drainWait({ instance, connections: this.snapshot.connections?.get(instance.instance_id), sessions, drainedForMs, drainMs: this.drainMs() });
    if (wait.state === 'waiting') return;
    if (wait.state === 'done') return this.beginChange(target, instance);
    this.change(target, { status: 'failed', reason: wait.reason });
    this.event('instance_failed', target.instance_id, target.from_version, { reason: wait.reason });
    this.wantTraffic(instance.instance_id, { state: 'ready', weight: EQUAL_WEIGHT });
  }

  /**
   * Past its health gate, the instance goes back into the balancer; it counts as done only
   * once the adapter confirmed it serves again. A failed return fails the target.
   */
  private backInTraffic(target: OperationTarget, instance: Instance): boolean {
    // Isolated (quarantined, unhealthy): it stays drained, and its change is done without traffic.
    if (instance.isolation !== null) return true;
    const wait = readyWait(instance);
    if (wait.state === 'done' && this.intentOf(instance).state === 'ready') return true;
    if (wait.state === 'failed') {
      this.change(target, { status: 'failed', reason: wait.reason });
      this.event('instance_failed', target.instance_id, target.to_version, { reason: wait.reason });
      return false;
    }
    // The weight is EQUAL here; settleTraffic gives a canary step's instances their share in this same pass.
    if (this.intentOf(instance).state !== 'ready') this.wantTraffic(instance.instance_id, { state: 'ready', weight: EQUAL_WEIGHT });
    return false;
  }

  private sessionsOn(target: OperationTarget): number {
    return this.snapshot.openSessions?.get(target.instance_id) ?? 0;
  }

  /** Reverts never drain: returning instances to a known-good version is urgent. */
  private drainMs(): number {
    return (this.snapshot.service.drain_s ?? 0) * 1000;
  }

  /** Cumulative targets the current canary step allows; null once every step is done. */
  private currentStepLimit(total: number): number | null {
    if (this.op.kind !== 'deploy') return null;
    return canaryStepCounts(this.op.strategy, total)[this.rollout.steps_done] ?? null;
  }

  /** A canary step whose share all succeeded pauses as the step says, or moves on. */
  private pauseAtStepEnd(all: OperationTarget[]): void {
    const limit = this.currentStepLimit(all.length);
    if (this.status !== 'running' || limit === null) return;
    const started = all.filter((t) => t.status !== 'pending');
    if (started.length < limit || !started.every((t) => t.status === 'succeeded')) return;
    const step = this.op.strategy.type === 'canary' ? this.op.strategy.steps?.[this.rollout.steps_done] : undefined;
    const stepNumber = this.rollout.steps_done + 1;
    if (step?.pause === 'until_promoted') {
      this.setOperation('paused', { pause: { kind: 'until_promoted', until: null, since: this.now } });
    } else if (step?.pause_s !== undefined && step.pause_s > 0) {
      this.setOperation('paused', { pause: { kind: 'timed', until: this.now + step.pause_s * 1000, since: this.now } });
    } else if (this.awaitsAnalysis()) {
      this.setOperation('paused', { pause: { kind: 'analysis', until: null, since: this.now } });
    } else {
      this.endStepPause(true);
      this.startNextTargets([...this.targets.values()]);
      return;
    }
    this.event('deploy_paused', null, this.op.version, { step: stepNumber, instances: started.length, pause: this.rollout.pause });
  }

  /** The step's pause ends (its timer ran out, or no pause): the next step may start. */
  private endStepPause(automatic: boolean): void {
    const stepNumber = this.rollout.steps_done + 1;
    this.setOperation('running', { steps_done: this.rollout.steps_done + 1, pause: null, progress_at: this.now });
    if (automatic && this.snapshot.operation.rollout.pause !== null) this.event('deploy_promoted', null, this.op.version, { step: stepNumber, automatic: true });
  }

  private missedProgressDeadline(all: OperationTarget[]): Reason | undefined {
    if (this.status !== 'running' && this.status !== 'verifying') return undefined;
    const deadlineS = progressDeadlineS(this.op.strategy);
    if (this.now - this.rollout.progress_at <= deadlineS * 1000) return undefined;
    const waiting = all.filter((t) => t.status !== 'succeeded').map((t) => `${t.instance_id} (${t.status})`);
    return { code: 'progress_deadline_exceeded', message: `no instance became healthy within progress_deadline_s ${deadlineS} s; waiting on ${waiting.join(', ')}` };
  }

  /**
   * Past the progress deadline nothing in flight is waited for any longer: each counts
   * as failed (and as changed, since its agent may have switched it) so the revert starts now.
   */
  private giveUpInFlight(all: OperationTarget[], reason: Reason): void {
    for (const target of all) {
      if (target.status !== 'deploying' && target.status !== 'verifying') continue;
      this.change(target, { status: 'failed', changed: true, reason });
      this.event('instance_failed', target.instance_id, target.to_version, { reason });
    }
  }

  /** Every target is up: verify the fleet once more when the service has checks, else succeed. */
  private finishOrVerify(all: OperationTarget[]): void {
    const toVerify = all.filter((t) => t.changed && t.to_version !== null && this.snapshot.instances.has(t.instance_id));
    if ((this.snapshot.service.verify?.length ?? 0) === 0 || toVerify.length === 0) return this.succeed();
    for (const target of toVerify) {
      const instance = this.snapshot.instances.get(target.instance_id)!;
      const generation = this.nextGeneration(instance);
      this.setGoal(instance, target.to_version, generation, 'run');
      this.change(target, { status: 'verifying', generation, started_at: this.now });
    }
    this.setOperation('verifying');
  }

  /** Nothing new starts; once in-flight targets settle, revert what changed or fail. */
  private failWhenSettled(all: OperationTarget[], reason: Reason): void {
    this.skipUntouched(all);
    if (all.some((t) => awaitsAgent(t.status))) return;
    const toRevert = this.changedTargets(all);
    if (this.op.auto_rollback && this.op.kind === 'deploy' && toRevert.length > 0) this.startRevert(toRevert, reason);
    else this.fail(reason);
  }

  private abortWhenSettled(all: OperationTarget[]): void {
    this.skipUntouched(all);
    if (all.some((t) => awaitsAgent(t.status))) return;
    const reason = this.op.reason ?? { code: 'aborted', message: `deployment ${this.op.id} was aborted` };
    const toRevert = this.op.kind === 'deploy' ? this.changedTargets(all) : [];
    if (toRevert.length > 0) this.startRevert(toRevert, reason);
    else this.endAborted(reason);
  }

  /** Targets not yet changed (pending, or only draining) are left as they are; a drained one goes back into traffic. */
  private skipUntouched(all: OperationTarget[]): void {
    for (const target of all) {
      if (target.status !== 'pending' && target.status !== 'draining') continue;
      if (target.status === 'draining' && this.hasTraffic) this.wantTraffic(target.instance_id, { state: 'ready', weight: EQUAL_WEIGHT });
      this.change(target, { status: 'skipped' });
    }
  }

  private changedTargets(all: OperationTarget[]): OperationTarget[] {
    return all.filter((t) => t.changed && ['succeeded', 'failed', 'healthy'].includes(t.status));
  }

  /**
   * Returns the changed targets. Behind a load balancer a revert is a rollback like any
   * other: at most rollback_batch_percent of the targets at a time, each drained before its
   * goal changes, so some instance always serves while the changed ones come back. Without
   * one, every target's goal changes at once.
   */
  private startRevert(toRevert: OperationTarget[], reason: Reason): void {
    this.setOperation('rolling_back', { pause: null }, reason);
    this.event('rollback', null, null, {
      automatic: this.rollout.abort === null,
      reason,
      instances: toRevert.map((t) => ({ instance_id: t.instance_id, to_version: t.from_version })),
    });
    if (this.hasTraffic) return this.advanceRevertBehindBalancer();
    for (const target of toRevert) {
      const instance = this.snapshot.instances.get(target.instance_id);
      if (instance === undefined) continue;
      const generation = this.nextGeneration(instance);
      this.setGoal(instance, target.from_version, generation, 'run');
      this.change(target, { status: 'reverting', generation, started_at: this.now });
    }
  }

  /** Reverts the targets whose drain ended, and drains the next ones while the window has room. */
  private advanceRevertBehindBalancer(): void {
    const all = [...this.targets.values()];
    for (const target of all.filter((t) => t.status === 'draining')) {
      const instance = this.snapshot.instances.get(target.instance_id);
      if (instance === undefined) {
        this.change(target, { status: 'revert_failed', reason: { code: 'instance_removed', message: `instance ${target.instance_id} was removed from the service` } });
        continue;
      }
      const wait = drainWait({ instance, connections: this.snapshot.connections?.get(instance.instance_id), sessions: 0, drainedForMs: this.now - (target.started_at ?? this.now), drainMs: this.drainMs() });
      // Returning a known-good version is urgent: a drain the adapter failed does not hold it.
      if (wait.state === 'waiting') continue;
      const generation = this.nextGeneration(instance);
      this.setGoal(instance, target.from_version, generation, 'run');
      this.change(target, { status: 'reverting', generation, started_at: this.now });
    }
    // A returned target counts until the balancer confirmed it serves again, so the next ones never drain before it.
    const returning = all.filter((t) => t.status === 'reverted' && this.stillOutOfTraffic(t.instance_id)).length;
    const inFlight = all.filter((t) => t.status === 'draining' || t.status === 'reverting').length + returning;
    const room = rollbackWindow(all.length, this.snapshot.service.rollback_batch_percent ?? null) - inFlight;
    for (const target of this.changedTargets(all).slice(0, Math.max(0, room))) {
      const instance = this.snapshot.instances.get(target.instance_id);
      if (instance === undefined) continue;
      this.wantTraffic(instance.instance_id, { state: 'drain', weight: this.intentOf(instance).weight });
      this.change(target, { status: 'draining', started_at: this.now });
    }
  }

  finishRevertWhenSettled(): void {
    if (this.hasTraffic) this.advanceRevertBehindBalancer();
    const all = [...this.targets.values()];
    if (all.some((t) => t.status === 'reverting' || t.status === 'draining')) return;
    if (this.hasTraffic && this.changedTargets(all).some((t) => this.snapshot.instances.has(t.instance_id))) return;
    const reason = this.op.reason ?? { code: 'deploy_failed', message: 'the deployment failed' };
    const failedReverts = all.filter((t) => t.status === 'revert_failed');
    if (failedReverts.length > 0) {
      const names = failedReverts.map((t) => t.instance_id).join(', ');
      const failure = { code: 'rollback_failed', message: `${reason.message}; returning ${names} to its previous version also failed` };
      if (this.rollout.abort === null) this.event('rollback_failed', null, null, { automatic: true, reason: failure, duration_s: this.revertDurationS(all) });
      this.fail(failure);
      return;
    }
    if (this.rollout.abort !== null) return this.endAborted(reason);
    this.setOperation('rolled_back', {}, reason, true);
    this.event('rollback_completed', null, null, { automatic: true, reason, duration_s: this.revertDurationS(all) });
    this.event('deploy_failed', null, this.op.version, { reason, rolled_back: true, duration_s: this.durationS() });
  }

  private endAborted(reason: Reason): void {
    this.setOperation('aborted', { pause: null }, reason, true);
    this.event('deploy_aborted', null, this.op.version, { reason, by: this.rollout.abort?.actor ?? null, duration_s: this.durationS() });
  }

  /** Seconds from the operation's creation to now: the duration its end event carries. */
  private durationS(): number {
    return Math.max(0, this.now - this.op.created_at) / 1000;
  }

  /** Seconds since the automatic revert began: its first reverted target's start (every revert starts in one pass). */
  private revertDurationS(all: OperationTarget[]): number {
    const starts = all.filter((t) => t.status === 'reverted' || t.status === 'revert_failed').map((t) => t.started_at ?? this.now);
    return starts.length === 0 ? 0 : Math.max(0, this.now - Math.min(...starts)) / 1000;
  }

  private succeed(): void {
    // A rollback keeps the reason it was started with (a rollback trigger's): why it happened outlives its success.
    this.setOperation('succeeded', { pause: null }, this.op.kind === 'rollback' ? this.op.reason : null, true);
    const op = this.op;
    if (op.kind !== 'restart' && op.version !== null) {
      if (op.whole_service) this.moveDesiredVersion(op.version);
      else for (const t of this.targets.values()) this.plan.pins.push({ instance_id: t.instance_id, version: op.version });
    }
    const type = op.kind === 'rollback' ? 'rollback_completed' : 'deploy_completed';
    this.event(type, null, op.version, { whole_service: op.whole_service, duration_s: this.durationS() });
  }

  private moveDesiredVersion(version: string): void {
    const { desired_version, previous_version } = this.snapshot.service;
    if (desired_version !== version) {
      this.plan.serviceVersions = { desired_version: version, previous_version: desired_version ?? previous_version };
    }
    for (const instance of this.snapshot.instances.values()) {
      if (instance.pinned_version !== null) this.plan.pins.push({ instance_id: instance.instance_id, version: null });
    }
  }

  private fail(reason: Reason): void {
    this.setOperation('failed', { pause: null }, reason, true);
    const type = this.op.kind === 'rollback' ? 'rollback_failed' : 'deploy_failed';
    this.event(type, null, this.op.version, { reason, rolled_back: false, duration_s: this.durationS() });
  }

  private madeProgress(): void {
    this.setOperation(this.status, { progress_at: this.now });
  }

  /** Records an operation change in the plan; later changes in the same pass win. */
  private setOperation(status: OperationStatus, rollout: Partial<RolloutState> = {}, reason?: Reason | null, completed = false): void {
    this.status = status;
    this.rollout = { ...this.rollout, ...rollout };
    const previous = this.plan.operation;
    this.plan.operation = {
      status,
      rollout: this.rollout,
      ...(reason !== undefined ? { reason } : previous?.reason !== undefined ? { reason: previous.reason } : {}),
      ...(completed ? { completed: true } : {}),
    };
  }

  /**
   * The pass's last word on traffic (a service with `traffic` only): an operation that ended
   * returns every instance it left drained, and every instance in traffic gets the weight
   * the current step calls for (equal outside a canary weight step).
   */
  settleTraffic(): void {
    if (!this.hasTraffic) return;
    const ended = this.plan.operation?.completed === true;
    for (const target of this.targets.values()) {
      const instance = this.snapshot.instances.get(target.instance_id);
      if (!ended || instance === undefined || instance.removed_at !== null || instance.isolation !== null) continue;
      if (this.intentOf(instance).state === 'drain') this.wantTraffic(instance.instance_id, { state: 'ready', weight: EQUAL_WEIGHT });
    }
    this.weighInstances();
  }

  /** Gives the new version's ready instances the share of a canary weight step, the others the rest. */
  private weighInstances(): void {
    const live = [...this.snapshot.instances.values()].filter((i) => i.removed_at === null && this.intentOf(i).state === 'ready');
    const isNew = (i: Instance) => {
      const target = this.targets.get(i.instance_id);
      return target !== undefined && target.changed && target.to_version === this.op.version && ['healthy', 'verifying', 'succeeded'].includes(target.status);
    };
    const newReady = live.filter(isNew).length;
    const oldReady = live.length - newReady;
    const share = this.canaryShare(newReady);
    const weights = share === null || newReady === 0 || oldReady === 0 ? { canary: EQUAL_WEIGHT, stable: EQUAL_WEIGHT } : canaryWeights(newReady, oldReady, share);
    for (const instance of live) {
      const weight = isNew(instance) ? weights.canary : weights.stable;
      if (this.intentOf(instance).weight !== weight) this.wantTraffic(instance.instance_id, { state: 'ready', weight });
    }
  }

  /** The new version's share of traffic during a canary weight step (filling as its instances become ready); null otherwise. */
  private canaryShare(newReady: number): number | null {
    if (this.op.kind !== 'deploy' || this.op.strategy.type !== 'canary') return null;
    if (this.status !== 'running' && this.status !== 'paused') return null;
    const weight = this.op.strategy.steps?.[this.rollout.steps_done]?.weight;
    if (weight === undefined) return null;
    return fillingShare(weight, newReady, this.currentStepLimit(this.targets.size) ?? this.targets.size);
  }

  /** True while an instance Ferry wants in traffic is not yet confirmed there (an isolated one stays out and does not count). */
  private stillOutOfTraffic(instanceId: string): boolean {
    const instance = this.snapshot.instances.get(instanceId);
    if (instance === undefined || instance.isolation !== null) return false;
    return this.intentOf(instance).state !== 'ready' || readyWait(instance).state === 'waiting';
  }

  private get hasTraffic(): boolean {
    return (this.snapshot.service.traffic ?? null) !== null;
  }

  /** What the balancer should do with the instance: this pass's decision, else its stored intent. */
  private intentOf(instance: Instance): WantedTraffic {
    return this.plannedTraffic.get(instance.instance_id) ?? currentIntent(instance.traffic);
  }

  /** Records a traffic intent; the plan carries it only when it differs from the stored one. */
  private wantTraffic(instanceId: string, asked: WantedTraffic): void {
    const instance = this.snapshot.instances.get(instanceId);
    const stored = instance === undefined ? undefined : currentIntent(instance.traffic);
    // An isolated instance stays out of traffic until drift handling or a person returns it.
    const wanted = asked.state === 'ready' && instance !== undefined && instance.isolation !== null ? { state: 'drain' as const, weight: stored!.weight } : asked;
    this.plannedTraffic.set(instanceId, wanted);
    this.plan.traffic = this.plan.traffic.filter((t) => t.instance_id !== instanceId);
    if (stored === undefined || stored.state !== wanted.state || stored.weight !== wanted.weight) this.plan.traffic.push({ instance_id: instanceId, ...wanted });
  }

  /** The analysis phase the operation is in: its canary step, or the batches after the last one. */
  private analysisPhase(): string {
    return analysisPhaseOf(this.rollout.steps_done, canaryStepCounts(this.op.strategy, this.targets.size).length);
  }

  /** The judgement of the current phase, `none` when there is no analysis to act on (none declared, or a dry run). */
  private analysisState(): AnalysisJudgement['state'] | 'none' {
    const judgement = this.snapshot.analysis;
    if (judgement === undefined || judgement.dry_run || this.op.kind !== 'deploy') return 'none';
    return judgement.phase === this.analysisPhase() ? judgement.state : 'running';
  }

  private awaitsAnalysis(): boolean {
    const state = this.analysisState();
    return state !== 'none' && state !== 'successful';
  }

  /** A failed analysis of the current phase fails the deployment (and so rolls it back) with its reason. */
  private analysisFailure(): Reason | undefined {
    if (this.analysisState() !== 'failed') return undefined;
    return this.snapshot.analysis?.reason ?? { code: 'analysis_failed', message: `the analysis of deployment ${this.op.id} failed` };
  }

  /**
   * Past the canary steps (or in a rolling deployment), a batch that changed instances is
   * measured before the next one starts: the deployment pauses for its analysis until the
   * phase's verdict is successful, and the rest of the batches then go on without waiting
   * again. The last batch does not wait (no instance is left to protect, nor a baseline to
   * compare with); after the end, rollback triggers watch the release.
   */
  private holdForAnalysis(all: OperationTarget[]): boolean {
    if (this.status !== 'running' || !this.awaitsAnalysis() || this.currentStepLimit(all.length) !== null) return false;
    if (all.some((t) => holdsBatchSlot(t.status)) || !all.some((t) => t.status === 'succeeded' && t.changed)) return false;
    if (!all.some((t) => t.status === 'pending')) return false;
    this.setOperation('paused', { pause: { kind: 'analysis', until: null, since: this.now } });
    this.event('deploy_paused', null, this.op.version, { step: this.rollout.steps_done + 1, instances: all.filter((t) => t.status !== 'pending').length, pause: this.rollout.pause });
    return true;
  }

  /** An analysis that cannot decide pauses the deployment for a person (promote or abort), unless a person is already asked. */
  private pauseForInconclusiveAnalysis(all: OperationTarget[]): boolean {
    if (this.analysisState() !== 'inconclusive') return false;
    const kind = this.rollout.pause?.kind;
    // Already waiting for a person (promotion, a user's pause, this very verdict): nothing moves.
    if (this.status === 'paused' && kind !== 'timed' && kind !== 'analysis') return true;
    if (this.status !== 'running' && this.status !== 'paused') return false;
    this.setOperation('paused', { pause: { kind: 'inconclusive', until: null, since: this.now } });
    const reason = this.snapshot.analysis?.reason ?? { code: 'analysis_inconclusive', message: 'the analysis could not decide' };
    this.event('deploy_paused', null, this.op.version, { step: this.rollout.steps_done + 1, instances: all.filter((t) => t.status !== 'pending').length, pause: this.rollout.pause, reason });
    return true;
  }

  /**
   * Whether the current pause ends now: a timed one when its time is up (and, with an
   * analysis, once that succeeded: until then it waits as an `analysis` pause), an
   * `analysis` pause when the step's analysis succeeded. The others wait for a person.
   */
  private pauseEnds(): boolean {
    const pause = this.rollout.pause;
    if (pause?.kind === 'analysis') return !this.awaitsAnalysis();
    if (pause?.kind !== 'timed' || pause.until === null || this.now < pause.until) return false;
    if (!this.awaitsAnalysis()) return true;
    this.setOperation('paused', { pause: { kind: 'analysis', until: null, since: pause.since } });
    return false;
  }

  private nextGeneration(instance: Instance): number {
    const planned = this.plan.goals.find((g) => g.instance_id === instance.instance_id);
    return (planned?.goal.generation ?? instance.goal.generation) + 1;
  }

  private setGoal(instance: Instance, version: string | null, generation: number, action = this.op.kind === 'restart' ? 'restart' : 'run'): void {
    const goal = { version, generation, action: action as 'run' | 'restart', timeout_s: this.op.timeout_s };
    this.plan.goals = this.plan.goals.filter((g) => g.instance_id !== instance.instance_id);
    this.plan.goals.push({ instance_id: instance.instance_id, goal });
  }

  private change(target: OperationTarget, change: Omit<TargetChange, 'instance_id'>): void {
    Object.assign(target, change);
    const existing = this.plan.targets.find((c) => c.instance_id === target.instance_id);
    if (existing) Object.assign(existing, change);
    else this.plan.targets.push({ instance_id: target.instance_id, ...change });
  }

  /** Every planner event carries the operation's kind, id, actor and correlation id (README invariant 5). */
  private event<K extends keyof PlannerEventDetails>(type: K, instanceId: string | null, version: string | null, details: WithoutKind<PlannerEventDetails[K]>): void {
    const envelope = { at: this.now, service: this.op.service, version, instance_id: instanceId, deploy_id: this.op.id, actor: this.op.actor, correlation_id: this.op.correlation_id, trace_id: this.op.trace?.trace_id ?? null, request_id: this.op.request_id ?? null };
    this.plan.events.push(eventOf(type, envelope, { kind: this.op.kind, ...details } as EventDetails[K]));
  }
}

/** A planner event's details as its call site gives them: `event` adds the kind. */
type WithoutKind<D> = D extends unknown ? Omit<D, 'kind'> : never;
