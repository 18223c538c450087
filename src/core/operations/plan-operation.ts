/**
 * The deployment planner: a pure function of (operation, its targets, the service's
 * instances, now) that returns the next plan. Like Nomad's reconciler it does no I/O
 * and throws nothing; one reconcile loop applies what it returns.
 *
 * Lifecycle of an operation:
 *   pending → running → succeeded
 *                     ↘ (a target failed; in-flight targets settle first)
 *                       rolling_back → rolled_back  (auto_rollback and something changed)
 *                       failed                      (nothing changed, no auto_rollback, or a rollback/restart)
 * A failure stops new targets from starting (the rest are `skipped`), and a revert
 * touches exactly the targets that changed.
 */
import type { AuditEventDraft, Instance, Operation, OperationTarget, Reason, ServiceVersions } from '../types.js';
import { emptyPlan, type OperationPlan, type TargetChange } from './operation-plan.js';
import { batchSize } from './strategy.js';
import { targetProgress } from './target-progress.js';

export interface OperationSnapshot {
  operation: Operation;
  targets: OperationTarget[];
  /** Every instance of the operation's service, by id. */
  instances: ReadonlyMap<string, Instance>;
  service: ServiceVersions;
  now: number;
}

export function planOperation(snapshot: OperationSnapshot): OperationPlan {
  const { operation } = snapshot;
  const plan = emptyPlan();
  if (!['pending', 'running', 'rolling_back'].includes(operation.status)) return plan;
  const planner = new PassPlanner(snapshot, plan);
  if (operation.status === 'pending') plan.operation = { status: 'running' };
  planner.settleInFlightTargets();
  if (operation.status === 'rolling_back') planner.finishRevertWhenSettled();
  else planner.advance();
  return plan;
}

/** Working state of one pass: targets as this pass has updated them so far. */
class PassPlanner {
  private readonly targets: Map<string, OperationTarget>;

  constructor(
    private readonly snapshot: OperationSnapshot,
    private readonly plan: OperationPlan,
  ) {
    this.targets = new Map(snapshot.targets.map((t) => [t.instance_id, { ...t }]));
  }

  private get op(): Operation {
    return this.snapshot.operation;
  }

  settleInFlightTargets(): void {
    for (const target of this.targets.values()) {
      if (target.status !== 'deploying' && target.status !== 'reverting') continue;
      const instance = this.snapshot.instances.get(target.instance_id);
      const progress = targetProgress(target, instance, this.op.timeout_s, this.snapshot.now);
      if (progress.state === 'in_progress') continue;
      if (target.status === 'reverting') {
        this.settleRevert(target, progress.state === 'succeeded' ? null : progress.reason);
      } else if (progress.state === 'succeeded') {
        this.change(target, { status: 'succeeded', changed: target.changed || target.from_version !== target.to_version || this.op.kind === 'restart' });
        this.event('instance_deployed', target.instance_id, target.to_version, {});
      } else {
        this.handleAttemptFailure(target, instance, progress.reason, progress.switched);
      }
    }
  }

  private settleRevert(target: OperationTarget, failure: Reason | null): void {
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
      this.change(target, { attempts: attempt, generation, changed, started_at: this.snapshot.now, reason });
      this.event('instance_retry', target.instance_id, target.to_version, { attempt, reason });
      return;
    }
    this.change(target, { status: 'failed', changed, reason });
    this.event('instance_failed', target.instance_id, target.to_version, { reason });
  }

  advance(): void {
    const all = [...this.targets.values()];
    const failure = all.find((t) => t.status === 'failed');
    if (failure === undefined) {
      this.startNextTargets(all);
      if ([...this.targets.values()].every((t) => t.status === 'succeeded')) this.succeed();
      return;
    }
    for (const target of all) if (target.status === 'pending') this.change(target, { status: 'skipped' });
    if (all.some((t) => t.status === 'deploying')) return; // let the batch in flight settle first
    const reason = failure.reason ?? { code: 'instance_failed', message: `instance ${failure.instance_id} failed` };
    const toRevert = all.filter((t) => t.changed && (t.status === 'succeeded' || t.status === 'failed'));
    if (this.op.auto_rollback && this.op.kind === 'deploy' && toRevert.length > 0) this.startRevert(toRevert, reason);
    else this.fail(reason);
  }

  private startNextTargets(all: OperationTarget[]): void {
    const inFlight = all.filter((t) => t.status === 'deploying').length;
    // A restart follows the strategy like a deployment; a rollback changes every target at once (seed 000 R6).
    const limit = this.op.kind === 'rollback' ? all.length : batchSize(this.op.strategy, all.length);
    const room = limit - inFlight;
    const next = all.filter((t) => t.status === 'pending').slice(0, Math.max(0, room));
    const gone = next.filter((t) => this.snapshot.instances.get(t.instance_id) === undefined);
    for (const target of gone) {
      this.change(target, { status: 'failed', reason: { code: 'instance_removed', message: `instance ${target.instance_id} was removed from the service` } });
    }
    // A failure stops new targets from starting, including one found in this very batch.
    if (gone.length > 0) return;
    for (const target of next) {
      const instance = this.snapshot.instances.get(target.instance_id)!;
      const generation = this.nextGeneration(instance);
      this.setGoal(instance, target.to_version, generation);
      this.change(target, { status: 'deploying', attempts: 1, generation, started_at: this.snapshot.now });
    }
  }

  private startRevert(toRevert: OperationTarget[], reason: Reason): void {
    for (const target of toRevert) {
      const instance = this.snapshot.instances.get(target.instance_id);
      if (instance === undefined) continue;
      const generation = this.nextGeneration(instance);
      this.setGoal(instance, target.from_version, generation, 'run');
      this.change(target, { status: 'reverting', generation, started_at: this.snapshot.now });
    }
    this.plan.operation = { status: 'rolling_back', reason };
    this.event('rollback', null, null, {
      automatic: true,
      reason,
      instances: toRevert.map((t) => ({ instance_id: t.instance_id, to_version: t.from_version })),
    });
  }

  finishRevertWhenSettled(): void {
    const all = [...this.targets.values()];
    if (all.some((t) => t.status === 'reverting')) return;
    const reason = this.op.reason ?? { code: 'deploy_failed', message: 'the deployment failed' };
    const failedReverts = all.filter((t) => t.status === 'revert_failed');
    if (failedReverts.length > 0) {
      const names = failedReverts.map((t) => t.instance_id).join(', ');
      this.fail({ code: 'rollback_failed', message: `${reason.message}; returning ${names} to its previous version also failed` });
      return;
    }
    this.plan.operation = { status: 'rolled_back', reason, completed: true };
    this.event('rollback_completed', null, null, { automatic: true, reason });
    this.event('deploy_failed', null, this.op.version, { reason, rolled_back: true });
  }

  private succeed(): void {
    this.plan.operation = { status: 'succeeded', reason: null, completed: true };
    const op = this.op;
    if (op.kind !== 'restart' && op.version !== null) {
      if (op.whole_service) this.moveDesiredVersion(op.version);
      else for (const t of this.targets.values()) this.plan.pins.push({ instance_id: t.instance_id, version: op.version });
    }
    const type = op.kind === 'rollback' ? 'rollback_completed' : 'deploy_completed';
    this.event(type, null, op.version, { kind: op.kind, whole_service: op.whole_service });
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
    this.plan.operation = { status: 'failed', reason, completed: true };
    const type = this.op.kind === 'rollback' ? 'rollback_failed' : 'deploy_failed';
    this.event(type, null, this.op.version, { kind: this.op.kind, reason, rolled_back: false });
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

  private event(type: string, instanceId: string | null, version: string | null, details: Record<string, unknown>): void {
    const draft: AuditEventDraft = {
      at: this.snapshot.now,
      type,
      service: this.op.service,
      version,
      instance_id: instanceId,
      deploy_id: this.op.id,
      actor: this.op.actor,
      correlation_id: this.op.correlation_id,
      details: { kind: this.op.kind, ...details },
    };
    this.plan.events.push(draft);
  }
}

