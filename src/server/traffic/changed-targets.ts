/**
 * The instances an adapter's `apply` must act on: the desired entries whose ids are in
 * `changed`, in `desired`'s order, and the changed ids `desired` does not hold, which get
 * an error result (the interface promises one result per changed id).
 */
import type { DesiredTraffic, TrafficResult } from './traffic-adapter.js';

export function changedTargets(desired: readonly DesiredTraffic[], changed: ReadonlySet<string>): { targets: DesiredTraffic[]; unknown: Map<string, TrafficResult> } {
  const targets = desired.filter((d) => changed.has(d.instance_id));
  const known = new Set(targets.map((t) => t.instance_id));
  const unknown = new Map<string, TrafficResult>();
  for (const id of changed) if (!known.has(id)) unknown.set(id, { ok: false, error: `instance ${id} is not among the service's instances the adapter was given` });
  return { targets, unknown };
}
