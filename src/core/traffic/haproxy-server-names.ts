/**
 * The HAProxy server name of each instance, as analysis and rollback triggers read
 * servers by name in `show stat`: the haproxy traffic spec's `server_name` template
 * (CONTRACT §5, default `{instance}`), with `{host}` the address the balancer dials. Without
 * a haproxy spec the name is the instance id.
 */
import type { Instance } from '../types.js';
import type { TrafficSpec } from './traffic-spec.js';
import { renderTemplate } from './traffic-templates.js';

/** Instance id → server name; `addressOf` gives a host's address (the host id when unknown). */
export function haproxyServerNames(traffic: TrafficSpec | null, instances: readonly Instance[], addressOf: (host: string) => string | undefined): Map<string, string> {
  const template = traffic?.type === 'haproxy' ? (traffic.server_name ?? '{instance}') : '{instance}';
  return new Map(instances.map((i) => [i.instance_id, renderTemplate(template, { service: i.service, instance: i.instance_id, host: addressOf(i.host) ?? i.host, port: i.port })]));
}
