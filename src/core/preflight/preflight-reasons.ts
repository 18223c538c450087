/**
 * The decision behind `ferry preflight`: from state gathered at one moment and `now`,
 * every reason a release of V of S would be refused, gate by gate, in PREFLIGHT_GATES
 * order. It never stops at the first: a person clearing gates wants the whole list.
 *
 *   web v2 not registered, host-b silent for 20 s (heartbeat 5 s), P0 alert firing
 *     → release/release_not_registered, agents/agent_silent (host-b), alerts/alert_firing
 *     (no package or readiness reason: an unregistered release has no package_url to try
 *     and no evidence to judge)
 */
import { iso } from '../iso-time.js';
import { isHostSilent, MISSED_HEARTBEATS_FOR_UNKNOWN } from '../instances/instance-status.js';
import { lockRefusal } from '../operations/build-operation.js';
import { shortfallSentence } from '../readiness/shortfall-sentence.js';
import type { PreflightReason, PreflightState, PreflightVerdict } from './preflight-types.js';

/** Every reason, blocking or advisory; `ok` when none blocks. */
export function preflightVerdict(state: PreflightState, now: number): PreflightVerdict {
  const reasons = [
    ...releaseReasons(state),
    ...readinessReasons(state),
    ...freezeReasons(state),
    ...lockReasons(state),
    ...packageReasons(state),
    ...agentReasons(state, now),
    ...alertReasons(state),
  ];
  return { ok: reasons.every((r) => !r.blocking), reasons };
}

/**
 * Hosts of the service's instances that do not keep V on disk: only they would have to
 * download the package. The gatherer probes the package only when this is not empty.
 */
export function hostsWithoutRelease(state: Pick<PreflightState, 'service' | 'version' | 'instanceHosts' | 'hosts'>): string[] {
  const byName = new Map(state.hosts.map((h) => [h.host, h]));
  return distinct(state.instanceHosts).filter((host) => !(byName.get(host)?.kept_releases[state.service] ?? []).includes(state.version));
}

function releaseReasons({ service, version, release }: PreflightState): PreflightReason[] {
  if (release !== null) return [];
  return [reason('release', 'release_not_registered', `${version} of ${service} is not registered; register it with ferry release add ${service} ${version}`, { service, version })];
}

function readinessReasons({ service, version, release, readiness }: PreflightState): PreflightReason[] {
  // An unregistered release has no evidence to judge yet: its one reason is that it is not registered.
  if (release === null) return [];
  const shortfall = readiness.shortfall;
  if (shortfall === null) return [];
  const sentence = shortfallSentence(shortfall);
  const advisory = readiness.enforced ? '' : ' (advisory: readiness is not enforced for this service)';
  const message = `${version} of ${service} is not admitted${sentence !== '' ? `: ${sentence}` : ''}${advisory}`;
  return [{ ...reason('readiness', 'not_admitted', message, { ...shortfall, enforced: readiness.enforced }), blocking: readiness.enforced }];
}

function freezeReasons({ service, freeze }: PreflightState): PreflightReason[] {
  if (freeze === null) return [];
  const scope = freeze.service === null ? 'every service' : service;
  return [
    reason('freeze', 'frozen', `freeze window ${freeze.freeze_id} covers ${scope} until ${iso(freeze.ends_at)}: ${freeze.reason}`, {
      freeze_id: freeze.freeze_id,
      service: freeze.service,
      reason: freeze.reason,
      ends_at: iso(freeze.ends_at),
    }),
  ];
}

function lockReasons({ lockHolder }: PreflightState): PreflightReason[] {
  if (lockHolder === null) return [];
  const refusal = lockRefusal(lockHolder);
  return [reason('lock', refusal.code, refusal.message, refusal.details ?? {})];
}

function packageReasons(state: PreflightState): PreflightReason[] {
  const probe = state.packageProbe;
  if (state.release === null || probe === null || probe.reachable) return [];
  const hosts = hostsWithoutRelease(state);
  if (hosts.length === 0) return [];
  const message = `${hosts.join(', ')} ${hosts.length === 1 ? 'does' : 'do'} not keep ${state.version} and its package cannot be fetched (${probe.error ?? 'unreachable'}): ${state.release.package_url}`;
  return [reason('package', 'package_unreachable', message, { package_url: state.release.package_url, hosts, error: probe.error })];
}

function agentReasons(state: PreflightState, now: number): PreflightReason[] {
  const lastHeartbeat = new Map(state.hosts.map((h) => [h.host, h.last_heartbeat_at]));
  const silentAfterS = MISSED_HEARTBEATS_FOR_UNKNOWN * state.heartbeatS;
  return distinct(state.instanceHosts)
    .filter((host) => isHostSilent({ now, heartbeatS: state.heartbeatS, hostLastHeartbeatAt: lastHeartbeat.get(host) }))
    .map((host) => {
      const at = lastHeartbeat.get(host);
      const since = at === undefined ? 'has never sent a heartbeat' : `sent its last heartbeat ${Math.round((now - at) / 1000)} s ago (silent after ${silentAfterS} s)`;
      return reason('agents', 'agent_silent', `the agent of host ${host} ${since}`, { host, last_heartbeat_at: at === undefined ? null : iso(at), silent_after_s: silentAfterS });
    });
}

function alertReasons({ service, firingP0Alerts }: PreflightState): PreflightReason[] {
  return firingP0Alerts.map((alert) =>
    reason('alerts', 'alert_firing', `P0 alert ${alert.name} of ${service} is firing: ${alert.summary}`, {
      alert_id: alert.id,
      name: alert.name,
      summary: alert.summary,
      started_at: iso(alert.started_at),
    }),
  );
}

function reason(gate: PreflightReason['gate'], code: string, message: string, details: Record<string, unknown>): PreflightReason {
  return { gate, code, blocking: true, message, details };
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}
