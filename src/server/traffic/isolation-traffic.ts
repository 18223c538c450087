/**
 * Drift isolation and traffic go together (CONTRACT §5, seed 000 R3): an instance drift
 * handling isolates (quarantined, unhealthy, a wrong version) is drained out of the
 * service's load balancer, and one it returns, or a person releases, goes back in; one
 * removed from the spec is drained too. Written in the transaction that changes the
 * instance; the traffic sync applies it.
 */
import { withIntent } from '../../core/traffic/next-traffic.js';
import { EQUAL_WEIGHT } from '../../core/traffic/traffic-spec.js';
import type { Store } from '../../store/store.js';

export async function setIsolationTraffic(tx: Store, instanceId: string, isolated: boolean, now: number): Promise<void> {
  await setOutOfTraffic(tx, instanceId, isolated, now);
}

/**
 * An instance removed from the spec is drained at the balancer as its agent stops it; the
 * sync keeps draining it until its row goes. (Take it out of the balancer's own
 * configuration afterwards.)
 */
export async function drainRemovedInstance(tx: Store, instanceId: string, now: number): Promise<void> {
  await setOutOfTraffic(tx, instanceId, true, now);
}

async function setOutOfTraffic(tx: Store, instanceId: string, isolated: boolean, now: number): Promise<void> {
  const instance = await tx.getInstance(instanceId);
  if (instance === undefined) return;
  const service = await tx.getService(instance.service);
  if (service === undefined || service.traffic === null) return;
  const current = instance.traffic ?? null;
  const wanted = isolated ? { state: 'drain' as const, weight: current?.intent.weight ?? EQUAL_WEIGHT } : { state: 'ready' as const, weight: EQUAL_WEIGHT };
  const next = withIntent(current, wanted, now);
  if (next !== null) await tx.updateInstanceTraffic(instanceId, current, next);
}
