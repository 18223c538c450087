/**
 * When a channel's version may be promoted to stable (CONTRACT §4): it soaked on its
 * channel at least `min_soak_minutes`, no P0/P1 alert of the service fired since the
 * channel's deployment started, and it is admitted when readiness is enforced. The
 * answer lists every reason at once, so one refusal tells the operator all that is left.
 */
import type { Alert } from '../alerts/alert-types.js';
import { shortfallSentence } from '../readiness/shortfall-sentence.js';

/** A channel as the rules see it: its version and when it got there. */
export interface ChannelPosition {
  name: string;
  /** null: nothing is deployed on the channel (the service has no version yet). */
  version: string | null;
  /** When the deployment that put `version` there started; null when unknown. */
  started_at: number | null;
  /** When that deployment succeeded: the soak's start. null: not (yet) succeeded. */
  soak_started_at: number | null;
}

/** Why a release is not admitted (the readiness gate's shortfall), or null when it is. */
export interface Shortfall {
  failed_checks: string[];
  missing_checks: string[];
  /**
   * Replay holds a release even when `required` leaves it out (CONTRACT §4): then a
   * shortfall may name no check at all, and this is its reason. Undefined = not known.
   */
  replay_passed?: boolean;
}

export interface PromotionInput {
  from: ChannelPosition;
  to: ChannelPosition;
  /** Alerts of the service, firing or resolved. */
  alerts: Alert[];
  shortfall: Shortfall | null;
  /** P6_READINESS_REQUIRED or the service's `readiness.enforce`. */
  enforced: boolean;
  /** The channel's `min_soak_minutes`, else RELEASE_CANARY_DURATION_MIN. */
  minSoakMinutes: number;
  now: number;
}

export type PromotionReason =
  | { code: 'channel_empty'; message: string }
  | { code: 'same_version'; message: string; version: string }
  | { code: 'soak_not_elapsed'; message: string; minutes_left: number; min_soak_minutes: number }
  | { code: 'alert_firing'; message: string; alerts: Array<{ alert_id: string; name: string; severity: string; state: string }> }
  | { code: 'not_admitted'; message: string; failed_checks: string[]; missing_checks: string[]; replay_passed?: boolean };

export type PromotionVerdict = { ok: true } | { ok: false; reasons: PromotionReason[] };

const MINUTE_MS = 60_000;

/** Every rule `input` fails, or ok. An empty channel fails that rule alone: the others ask about its version. */
export function judgePromotion(input: PromotionInput): PromotionVerdict {
  const { from, to } = input;
  if (from.version === null) {
    return { ok: false, reasons: [{ code: 'channel_empty', message: `channel ${from.name} has no version to promote` }] };
  }
  const reasons: PromotionReason[] = [];
  if (from.version === to.version) {
    reasons.push({ code: 'same_version', message: `${to.name} already runs ${from.version}`, version: from.version });
  }
  const soak = soakShortfall(from, input.minSoakMinutes, input.now);
  if (soak !== null) reasons.push(soak);
  const alerts = blockingAlerts(input.alerts, from.started_at);
  if (alerts.length > 0) {
    const names = alerts.map((a) => `${a.name} (${a.severity}, ${a.state})`).join(', ');
    reasons.push({ code: 'alert_firing', message: `P0/P1 alerts of the service since ${from.name} started: ${names}`, alerts: alerts.map((a) => ({ alert_id: a.id, name: a.name, severity: a.severity, state: a.state })) });
  }
  if (input.enforced && input.shortfall !== null) {
    const { failed_checks, missing_checks, replay_passed } = input.shortfall;
    const message = `${from.version} is not admitted: ${shortfallSentence(input.shortfall)}`;
    reasons.push({ code: 'not_admitted', message, failed_checks, missing_checks, ...(replay_passed !== undefined ? { replay_passed } : {}) });
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

/**
 * Minutes left, rounded up, of the soak: 30 minutes asked, 12.5 elapsed → 18 left.
 * A deployment still running (or never recorded) has not started soaking: all of it is left.
 */
function soakShortfall(from: ChannelPosition, minSoakMinutes: number, now: number): PromotionReason | null {
  const needed = minSoakMinutes * MINUTE_MS;
  if (from.soak_started_at === null) {
    if (needed === 0) return null;
    return { code: 'soak_not_elapsed', message: `${from.version} has not finished deploying on ${from.name}; it must then soak ${minSoakMinutes} minute(s)`, minutes_left: minSoakMinutes, min_soak_minutes: minSoakMinutes };
  }
  const left = needed - (now - from.soak_started_at);
  if (left <= 0) return null;
  const minutesLeft = Math.ceil(left / MINUTE_MS);
  return { code: 'soak_not_elapsed', message: `${from.version} has soaked on ${from.name} less than ${minSoakMinutes} minute(s): ${minutesLeft} left`, minutes_left: minutesLeft, min_soak_minutes: minSoakMinutes };
}

/** P0/P1 alerts firing now, or started since the channel's deployment started (resolved or not). */
function blockingAlerts(alerts: Alert[], since: number | null): Alert[] {
  return alerts.filter((a) => (a.severity === 'P0' || a.severity === 'P1') && (a.state === 'firing' || (since !== null && a.started_at >= since)));
}
