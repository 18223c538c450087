/**
 * The instances a replay compares the candidate with: live instances of the service that
 * are `ready` and whose own probe answered the desired version, with the address their
 * host's agent advertises. Derived the way sessions derive eligibility, so a replay never
 * asks an instance that would not get sessions.
 */
import { instanceStatus } from '../../../core/instances/instance-status.js';
import type { Instance, Service } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';

export interface ReplayTarget {
  instance_id: string;
  host: string;
  base_url: string;
}

/** Ready instances of `service` answering `version` (default the desired version), in instance-id order. */
export async function readyInstancesOn(ctx: ServerContext, service: Service, version: string | null = service.desired_version, only?: ReadonlySet<string>): Promise<ReplayTarget[]> {
  if (version === null) return [];
  const [instances, hosts] = await Promise.all([ctx.store.listInstances({ service: service.name }), ctx.store.listHosts()]);
  const byHost = new Map(hosts.map((h) => [h.host, h]));
  const now = ctx.now();
  return instances
    .filter((i) => (only === undefined || only.has(i.instance_id)) && isReadyOn(i, version, now, ctx.timers.heartbeatS, byHost.get(i.host)?.last_heartbeat_at))
    .sort((a, b) => (a.instance_id < b.instance_id ? -1 : 1))
    .map((i) => ({ instance_id: i.instance_id, host: i.host, base_url: `http://${hostForUrl(byHost.get(i.host)?.address ?? i.host)}:${i.port}` }));
}

function isReadyOn(instance: Instance, version: string, now: number, heartbeatS: number, lastHeartbeatAt: number | undefined): boolean {
  return instanceStatus(instance, { now, heartbeatS, hostLastHeartbeatAt: lastHeartbeatAt }) === 'ready' && instance.observed?.version === version;
}

/** An address as a URL's host: an IPv6 address in brackets. */
export function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
