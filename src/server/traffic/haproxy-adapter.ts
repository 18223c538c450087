/**
 * The `haproxy` traffic adapter (CONTRACT §5), through HAProxy's runtime API (the stats
 * socket, which must be at `level admin` for `set server`). For each changed instance it
 * sends `set server <backend>/<server> state ready|drain` and `… weight <W>`: a ready
 * instance gets its weight before it is let in, a drained one is drained before its weight
 * changes, so neither ever takes traffic at a weight it should not have. HAProxy answers
 * an empty line when it did what it was told and a message otherwise ("No such server."):
 * that message is the instance's error.
 *
 * Server names are the spec's `server_name` rendered per instance (default `{instance}`).
 * Reading back (connections, observe) knows an instance but not a change, so there the
 * name is rendered without `{weight}` and `{action}`: names should not use them.
 *
 * A server HAProxy does not have counts 0 connections (nothing can reach the instance
 * through it; apply reports the missing server, and that is what fails the step) and is
 * observed as `other`, so the sync keeps trying to put it right and keeps reporting it.
 * A socket that is missing, refuses or stays silent gives error results from apply and
 * undefined from the readers, never a throw.
 */
import { trafficAction, trafficTemplateValues, type TrafficAction, type TrafficState } from '../../core/traffic/traffic-action.js';
import type { HaproxyTrafficSpec } from '../../core/traffic/traffic-spec.js';
import { renderTemplate } from '../../core/traffic/traffic-templates.js';
import { changedTargets } from './changed-targets.js';
import { readServerStats, runtimeCommand, type HaproxyServerStat } from './haproxy-runtime-api.js';
import type { DesiredTraffic, ObservedTraffic, TrafficAdapter, TrafficResult, TrafficTarget } from './traffic-adapter.js';

const DEFAULT_SERVER_NAME = '{instance}';
/** The characters HAProxy allows in a server name; anything else would change the command. */
const SERVER_NAME = /^[A-Za-z0-9._:-]+$/;

/**
 * The runtime API commands for one change, in the order they must run.
 *   ready 20 → set server app/web-1 weight 20; set server app/web-1 state ready
 *   drain    → set server app/web-1 state drain; set server app/web-1 weight 100
 */
export function haproxyCommands(backend: string, server: string, change: TrafficState): string[] {
  const weight = `set server ${backend}/${server} weight ${Math.min(256, Math.max(0, Math.round(change.weight)))}`;
  const state = `set server ${backend}/${server} state ${change.state}`;
  return change.state === 'ready' ? [weight, state] : [state, weight];
}

/**
 * `show stat`'s status as Ferry's observed state: DRAIN is drained, MAINT is neither; a
 * ready server serves while its check says UP (`UP`, `UP 1/3` going down) or it has no
 * check, not while DOWN (`DOWN`, `DOWN 1/2` coming up) or NOLB.
 */
export function observedFromStat(stat: HaproxyServerStat): ObservedTraffic {
  if (stat.status.startsWith('DRAIN')) return { state: 'drain', weight: stat.weight };
  if (stat.status.startsWith('MAINT')) return { state: 'other', weight: stat.weight };
  return { state: 'ready', weight: stat.weight, serving: stat.status.startsWith('UP') || stat.status === 'no check' };
}

export class HaproxyTrafficAdapter implements TrafficAdapter {
  private readonly applied = new Map<string, TrafficState>();

  constructor(
    private readonly spec: HaproxyTrafficSpec,
    private readonly options: { timeoutMs: number },
  ) {}

  async apply(desired: readonly DesiredTraffic[], changed: ReadonlySet<string>): Promise<Map<string, TrafficResult>> {
    const { targets, unknown: results } = changedTargets(desired, changed);
    // Once the socket itself fails, the other instances would wait for the same failure.
    let socketFailure: string | undefined;
    for (const target of targets) {
      const id = target.instance_id;
      if (socketFailure !== undefined) {
        results.set(id, { ok: false, error: socketFailure });
        continue;
      }
      const server = this.serverName(target, { weight: target.weight, action: trafficAction(this.applied.get(id), target) });
      if (!SERVER_NAME.test(server)) {
        results.set(id, { ok: false, error: `server_name renders ${JSON.stringify(server)} for instance ${id}, which is not an HAProxy server name` });
        continue;
      }
      const outcome = await this.send(haproxyCommands(this.spec.backend, server, target));
      if (outcome.kind === 'done') this.applied.set(id, { state: target.state, weight: target.weight });
      else this.applied.delete(id);
      if (outcome.kind === 'socket') socketFailure = outcome.error;
      results.set(id, outcome.kind === 'done' ? { ok: true } : { ok: false, error: outcome.error });
    }
    return results;
  }

  async activeConnections(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, number> | undefined> {
    const servers = await this.readServers();
    if (servers === undefined) return undefined;
    return new Map(targets.map((t) => [t.instance_id, servers.get(this.serverName(t))?.scur ?? 0]));
  }

  async observe(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, ObservedTraffic> | undefined> {
    const servers = await this.readServers();
    if (servers === undefined) return undefined;
    return new Map(
      targets.map((t) => {
        const stat = servers.get(this.serverName(t));
        return [t.instance_id, stat === undefined ? { state: 'other' as const, weight: 0 } : observedFromStat(stat)];
      }),
    );
  }

  /** The server of `target`; without `change` (reading back) `{weight}` and `{action}` stay unrendered. */
  private serverName(target: TrafficTarget, change?: { weight: number; action: TrafficAction }): string {
    const values = trafficTemplateValues(target, change?.weight ?? 0, change?.action ?? 'ready');
    if (change === undefined) {
      delete values.weight;
      delete values.action;
    }
    return renderTemplate(this.spec.server_name ?? DEFAULT_SERVER_NAME, values);
  }

  private async send(commands: readonly string[]): Promise<{ kind: 'done' } | { kind: 'refused' | 'socket'; error: string }> {
    for (const command of commands) {
      let answer: string;
      try {
        answer = await runtimeCommand(this.spec.socket, command, this.options);
      } catch (error) {
        return { kind: 'socket', error: (error as Error).message };
      }
      const message = answer.trim();
      if (message !== '') return { kind: 'refused', error: `HAProxy refused "${command}": ${message.slice(0, 500)}` };
    }
    return { kind: 'done' };
  }

  private async readServers(): Promise<Map<string, HaproxyServerStat> | undefined> {
    try {
      return new Map((await readServerStats(this.spec.socket, this.spec.backend, this.options)).map((s) => [s.server, s]));
    } catch {
      return undefined;
    }
  }
}
