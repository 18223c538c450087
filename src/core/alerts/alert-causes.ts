/**
 * The nine rules (CONTRACT §3 Alerts) as one pure function from a snapshot of the store to
 * the causes present now. A cause is what one alert stands for while it fires; its
 * `cause_key` names the rule, the service and the thing (operation, instance or host).
 *
 * Two kinds of rule:
 * - State rules hold while a condition holds and clear with it: NoReadyInstanceOnDesiredVersion,
 *   DriftPersisting, AgentSilent.
 * - Operation rules are about something that happened to one operation: DeploymentRolledBack
 *   (also for a rollback a rollback trigger started), DeploymentFailed, RollbackPerformed,
 *   VerificationFailed, RollbackSlow, ProgressDeadlineExceeded. Their cause lasts from the moment it happened until a later
 *   operation of the same service succeeds (the service is healthy again by a person's or
 *   Ferry's hand), or `holdS` after the operation ended, whichever comes first. Both ends
 *   only move forward in time, so an operation alert never comes back once resolved.
 */
import { instanceStatus, isHostSilent, MISSED_HEARTBEATS_FOR_UNKNOWN } from '../instances/instance-status.js';
import { ACTIVE_OPERATION_STATUSES, type Instance, type Operation, type Service } from '../types.js';
import { ROLLBACK_TRIGGER_ACTOR } from '../rollback-triggers/watched-release.js';
import type { AlertRouting } from './alert-routing.js';
import type { AlertName, AlertRuleConfig } from './alert-types.js';

/** One service as the rules see it. */
export interface ServiceAlertState {
  service: Pick<Service, 'name' | 'desired_version' | 'previous_version'>;
  routing: AlertRouting;
  /** Every instance of the service; removed ones are ignored. */
  instances: readonly Instance[];
  /** The service's recent operations, newest first. Older ones raise nothing. */
  operations: readonly Operation[];
}

/** One cause present now. */
export interface AlertCause {
  name: AlertName;
  service: string;
  cause_key: string;
  summary: string;
  deploy_id: string | null;
  rollback_id: string | null;
  correlation_id: string | null;
  /** When the cause began (epoch ms). */
  since: number;
}

type RuleConfig = Pick<AlertRuleConfig, 'driftS' | 'heartbeatS' | 'rollbackMaxMinutes' | 'holdS'>;

/** Every cause present in `state` at `now`, at most one per cause_key. */
export function alertCauses(state: ServiceAlertState, hostHeartbeats: ReadonlyMap<string, number>, config: RuleConfig, now: number): AlertCause[] {
  const causes = [
    ...state.operations.flatMap((op) => (operationStillAlerting(op, state.operations, config, now) ? operationCauses(op, config, now) : [])),
    ...noReadyInstance(state, hostHeartbeats, config, now),
    ...driftPersisting(state, config, now),
    ...agentSilent(state, hostHeartbeats, config, now),
    ...failedReplayHolds(state),
  ];
  return [...new Map(causes.map((c) => [c.cause_key, c])).values()];
}

/** An operation's causes last until a later operation of the service succeeds, or holdS after it ended. */
function operationStillAlerting(op: Operation, all: readonly Operation[], config: RuleConfig, now: number): boolean {
  if (all.some((later) => later.created_at > op.created_at && later.status === 'succeeded')) return false;
  if (op.completed_at === null) return true;
  return now - op.completed_at <= config.holdS * 1000;
}

function operationCauses(op: Operation, config: RuleConfig, now: number): AlertCause[] {
  const causes: AlertCause[] = [];
  const isRollback = op.kind === 'rollback';
  const ids = { deploy_id: isRollback ? null : op.id, rollback_id: isRollback ? op.id : null, correlation_id: op.correlation_id };
  const cause = (name: AlertName, summary: string, since: number) => causes.push({ name, service: op.service, cause_key: `${name}:${op.service}:${op.id}`, summary, since, ...ids });
  const ended = op.completed_at ?? op.updated_at;
  const why = op.reason ? `: ${op.reason.message}` : '';
  const target = op.version ?? 'their own versions';
  if (!isRollback) {
    if (op.status === 'rolled_back') cause('DeploymentRolledBack', `deployment ${op.id} of ${op.service} to ${target} was rolled back automatically${why}`, ended);
    if (op.status === 'failed' || op.status === 'aborted') cause('DeploymentFailed', `deployment ${op.id} of ${op.service} to ${target} ended ${op.status}${why}`, ended);
    // Ferry's own rollback of a failed deployment; a rollback that returns an aborted deployment's instances is not one.
    if ((op.status === 'rolled_back' || op.status === 'rolling_back') && op.rollout.abort === null) {
      cause('RollbackPerformed', `Ferry rolled back deployment ${op.id} of ${op.service} (started by ${op.actor})${why}`, op.updated_at);
    }
  } else {
    cause('RollbackPerformed', `rollback ${op.id} of ${op.service} to ${target} started by ${op.actor}${why}`, op.created_at);
    // A rollback trigger's rollback is a release rolled back automatically, after it finished: it pages like one.
    if (op.actor === ROLLBACK_TRIGGER_ACTOR) cause('DeploymentRolledBack', `Ferry rolled ${op.service} back to ${target} by itself (rollback ${op.id}) after a release completed${why}`, op.created_at);
    const tookMs = (op.completed_at ?? now) - op.created_at;
    if (tookMs > config.rollbackMaxMinutes * 60_000) {
      cause('RollbackSlow', `rollback ${op.id} of ${op.service} ${op.completed_at === null ? 'has been running' : 'took'} ${Math.round(tookMs / 60_000)} min, over ${config.rollbackMaxMinutes} min`, op.created_at + config.rollbackMaxMinutes * 60_000);
    }
  }
  if (op.reason?.code === 'verify_failed') cause('VerificationFailed', `a ${isRollback ? 'post-rollback' : 'post-deploy'} check of ${op.id} failed${why}`, op.updated_at);
  if (op.reason?.code === 'progress_deadline_exceeded') cause('ProgressDeadlineExceeded', `${op.id} of ${op.service} passed its progress deadline${why}`, op.updated_at);
  return causes;
}

function liveInstances(state: ServiceAlertState): Instance[] {
  return state.instances.filter((i) => i.removed_at === null);
}

/** Only between operations: during one, instances leave the desired version on purpose. */
function noReadyInstance(state: ServiceAlertState, hostHeartbeats: ReadonlyMap<string, number>, config: RuleConfig, now: number): AlertCause[] {
  const desired = state.service.desired_version;
  const live = liveInstances(state);
  if (desired === null || live.length === 0) return [];
  if (state.operations.some((op) => ACTIVE_OPERATION_STATUSES.includes(op.status))) return [];
  const readyOnDesired = live.some(
    (i) => i.observed?.version === desired && instanceStatus(i, { now, heartbeatS: config.heartbeatS, hostLastHeartbeatAt: hostHeartbeats.get(i.host) }) === 'ready',
  );
  if (readyOnDesired) return [];
  const name = 'NoReadyInstanceOnDesiredVersion';
  const service = state.service.name;
  return [{ name, service, cause_key: `${name}:${service}`, summary: `${service} has no ready instance on its desired version ${desired} (${live.length} instances)`, deploy_id: null, rollback_id: null, correlation_id: null, since: now }];
}

function driftPersisting(state: ServiceAlertState, config: RuleConfig, now: number): AlertCause[] {
  const name = 'DriftPersisting';
  return liveInstances(state).flatMap((i) => {
    if (i.isolation === null || now - i.isolation.since <= config.driftS * 1000) return [];
    const summary = `instance ${i.instance_id} of ${i.service} has been drifted (${i.isolation.observed_version ?? i.isolation.reason.code}, expected ${i.isolation.expected_version ?? 'none'}) for over ${config.driftS} s`;
    return [{ name, service: i.service, cause_key: `${name}:${i.service}:${i.instance_id}`, summary, deploy_id: null, rollback_id: null, correlation_id: null, since: i.isolation.since + config.driftS * 1000 }];
  });
}

/**
 * A replay after a rollback that failed keeps the returned instances held (core/replay):
 * one VerificationFailed per failed replay, while any instance it holds is still held.
 */
function failedReplayHolds(state: ServiceAlertState): AlertCause[] {
  const name = 'VerificationFailed';
  const byReplay = new Map<string, { since: number; instances: string[] }>();
  for (const i of liveInstances(state)) {
    const hold = i.replay_hold;
    if (hold == null || !hold.failed) continue;
    const entry = byReplay.get(hold.replay_id) ?? { since: hold.since, instances: [] };
    entry.instances.push(i.instance_id);
    byReplay.set(hold.replay_id, entry);
  }
  const service = state.service.name;
  return [...byReplay].map(([replayId, { since, instances }]) => ({
    name,
    service,
    cause_key: `${name}:${service}:${replayId}`,
    summary: `the replay after a rollback of ${service} failed (${replayId}); ${instances.join(', ')} stay out of session allocation until released`,
    deploy_id: null,
    rollback_id: null,
    correlation_id: null,
    since,
  }));
}

/** Per host the service has instances on; a host that never reported is not silent, only not there yet. */
function agentSilent(state: ServiceAlertState, hostHeartbeats: ReadonlyMap<string, number>, config: RuleConfig, now: number): AlertCause[] {
  const name = 'AgentSilent';
  const service = state.service.name;
  const hosts = [...new Set(liveInstances(state).map((i) => i.host))].sort();
  return hosts.flatMap((host) => {
    const last = hostHeartbeats.get(host);
    if (last === undefined || !isHostSilent({ now, heartbeatS: config.heartbeatS, hostLastHeartbeatAt: last })) return [];
    const summary = `the agent of host ${host} (running ${service}) has not sent a heartbeat for ${Math.round((now - last) / 1000)} s`;
    return [{ name, service, cause_key: `${name}:${service}:${host}`, summary, deploy_id: null, rollback_id: null, correlation_id: null, since: last + MISSED_HEARTBEATS_FOR_UNKNOWN * config.heartbeatS * 1000 }];
  });
}
