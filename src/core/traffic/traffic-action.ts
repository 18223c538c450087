/**
 * What a change to one instance at its load balancer is, and the values the traffic
 * templates (`server_name`, `command`) are rendered with (CONTRACT §5 placeholders).
 * Adapters run these; they decide nothing, so the action is only a name for what the
 * planner's intent already says.
 */

export type TrafficAction = 'drain' | 'ready' | 'weight';

/** The load-balancer state of an instance, as an intent or as last applied. */
export interface TrafficState {
  state: 'ready' | 'drain';
  weight: number;
}

/**
 * The action that takes an instance from `previous` to `next`: `weight` only when both
 * are ready and nothing but the weight differs; when the previous state is unknown (a
 * restarted server, a first change) the action is the whole state, `ready` or `drain`,
 * which a load balancer can always be told again.
 *   undefined            → ready 100 : ready
 *   ready 100 → ready 20             : weight
 *   ready 100 → drain 100            : drain
 *   drain 100 → ready 100            : ready
 */
export function trafficAction(previous: TrafficState | undefined, next: TrafficState): TrafficAction {
  if (previous !== undefined && previous.state === 'ready' && next.state === 'ready' && previous.weight !== next.weight) return 'weight';
  return next.state;
}

/** An instance as a traffic template sees it. */
export interface TemplateTarget {
  service: string;
  instance_id: string;
  /** What the balancer dials: the host's advertised address. */
  address: string;
  port: number;
}

/** The placeholder values for one change: `{host}` is the address the balancer dials. */
export function trafficTemplateValues(target: TemplateTarget, weight: number, action: TrafficAction): Record<string, string | number> {
  return { service: target.service, instance: target.instance_id, host: target.address, port: target.port, weight, action };
}
