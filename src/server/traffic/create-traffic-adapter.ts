/**
 * The adapter a service's `traffic` spec names (CONTRACT §5). The traffic sync keeps one
 * per service and makes it anew when the spec changes, so an adapter may remember what it
 * applied (the command and HAProxy adapters do, to tell a weight change from a state one).
 */
import type { TrafficSpec } from '../../core/traffic/traffic-spec.js';
import { CommandTrafficAdapter } from './command-adapter.js';
import { HaproxyTrafficAdapter } from './haproxy-adapter.js';
import { NginxTrafficAdapter } from './nginx-adapter.js';
import type { TrafficAdapter } from './traffic-adapter.js';

export interface TrafficAdapterOptions {
  /**
   * How long one conversation with the balancer may take: a runtime API answer, an
   * `nginx -T` or reload run and the wait for the reload to take effect. A command's own
   * limit is its spec's `timeout_s`.
   */
  timeoutMs: number;
}

export function createTrafficAdapter(spec: TrafficSpec, options: TrafficAdapterOptions): TrafficAdapter {
  switch (spec.type) {
    case 'haproxy':
      return new HaproxyTrafficAdapter(spec, options);
    case 'nginx':
      return new NginxTrafficAdapter(spec, options);
    case 'command':
      return new CommandTrafficAdapter(spec);
  }
}
