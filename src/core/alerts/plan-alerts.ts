/**
 * The alert evaluator's decision: compare the causes present now with the alerts firing
 * in the store and return what to open and what to resolve. Level-triggered like the
 * reconciler: it needs no memory of earlier passes, so a restarted server evaluating the
 * same state opens nothing new and loses nothing that still fires.
 */
import { ACTIVE_OPERATION_STATUSES } from '../types.js';
import { alertCauses, type ServiceAlertState } from './alert-causes.js';
import { oncallOf, recentChange, runbookUrl } from './alert-routing.js';
import { ALERT_SEVERITY, type Alert, type AlertPlan, type AlertRuleConfig } from './alert-types.js';

export interface AlertSnapshot {
  services: readonly ServiceAlertState[];
  /** Last heartbeat of every host that ever reported. */
  hostHeartbeats: ReadonlyMap<string, number>;
  /** Every alert firing now. */
  firing: readonly Alert[];
  now: number;
  /**
   * When this server began evaluating (its start as leader). Heartbeats it could not
   * receive while it was down are not the agents' silence: a heartbeat older than this
   * counts as if it arrived at this moment.
   */
  watchingSince: number;
}

export function planAlerts(snapshot: AlertSnapshot, config: AlertRuleConfig): AlertPlan {
  const firingKeys = new Set(snapshot.firing.map((a) => a.cause_key));
  const heartbeats = heartbeatsSinceWatching(snapshot);
  const presentKeys = new Set<string>();
  const open: AlertPlan['open'] = [];
  for (const state of snapshot.services) {
    const change = recentChange(state.service, latestChange(state));
    for (const cause of alertCauses(state, heartbeats, config, snapshot.now)) {
      presentKeys.add(cause.cause_key);
      if (firingKeys.has(cause.cause_key)) continue;
      open.push({
        name: cause.name,
        severity: ALERT_SEVERITY[cause.name],
        service: cause.service,
        cause_key: cause.cause_key,
        summary: cause.summary,
        ...change,
        deploy_id: cause.deploy_id,
        rollback_id: cause.rollback_id,
        correlation_id: cause.correlation_id,
        runbook_url: runbookUrl(cause.name, state.routing, config),
        oncall: oncallOf(state.routing, config),
        started_at: cause.since,
      });
    }
  }
  const resolve = snapshot.firing.filter((a) => !presentKeys.has(a.cause_key)).map(({ id, name, service, cause_key }) => ({ id, name, service, cause_key }));
  return { open, resolve };
}

/** The latest operation that finished, else the latest one: what "the most recent change" means while one runs. */
function latestChange(state: ServiceAlertState) {
  return state.operations.find((op) => !ACTIVE_OPERATION_STATUSES.includes(op.status)) ?? state.operations[0];
}

/** Each host's last heartbeat, none older than `watchingSince`. */
export function heartbeatsSinceWatching(snapshot: Pick<AlertSnapshot, 'hostHeartbeats' | 'watchingSince'>): Map<string, number> {
  return new Map([...snapshot.hostHeartbeats].map(([host, at]) => [host, Math.max(at, snapshot.watchingSince)]));
}

export function isEmptyAlertPlan(plan: AlertPlan): boolean {
  return plan.open.length === 0 && plan.resolve.length === 0;
}
