/** Test fixtures for the alert rules: a service state, a snapshot, and applying a plan to it. */
import { makeService, T0 } from './builders.js';
import type { Instance, Operation } from '../core/types.js';
import type { ServiceAlertState } from '../core/alerts/alert-causes.js';
import type { Alert, AlertPlan, AlertRuleConfig } from '../core/alerts/alert-types.js';
import type { AlertSnapshot } from '../core/alerts/plan-alerts.js';

export const CONFIG: AlertRuleConfig = { driftS: 60, heartbeatS: 5, rollbackMaxMinutes: 10, holdS: 3600, runbookBaseUrl: 'https://runbooks.test/ferry', defaultOncall: 'platform' };

/** Service `hello`, desired 2.0.0 over 1.0.0, no own routing. */
export function serviceState(instances: Instance[], operations: Operation[] = [], over: Partial<ServiceAlertState> = {}): ServiceAlertState {
  return { service: makeService({ desired_version: '2.0.0', previous_version: '1.0.0' }), routing: { oncall: null, runbooks: {} }, instances, operations, ...over };
}

/** Every host of the instances reported at `now - 1 s`. */
export function snapshotOf(states: ServiceAlertState[], now: number, firing: Alert[] = [], heartbeats?: Map<string, number>): AlertSnapshot {
  const hostHeartbeats = heartbeats ?? new Map(states.flatMap((s) => s.instances.map((i) => [i.host, now - 1000] as const)));
  return { services: states, hostHeartbeats, firing, now, watchingSince: T0 };
}

let counter = 0;

/** The firing alerts after the plan is applied the way the store applies it. */
export function applyAlertPlan(firing: readonly Alert[], plan: AlertPlan): Alert[] {
  const resolved = new Set(plan.resolve.map((r) => r.id));
  const opened = plan.open.map((d): Alert => {
    const id = `al-${++counter}`;
    return { ...d, id, state: 'firing', resolved_at: null, correlation_id: d.correlation_id ?? id };
  });
  return [...firing.filter((a) => !resolved.has(a.id)), ...opened];
}

export { T0 };
