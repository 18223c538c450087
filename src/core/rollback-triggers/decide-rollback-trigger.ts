/**
 * Whether a release under watch must be rolled back now (CONTRACT §5): a P0 alert of the
 * service has fired for `critical_alert_minutes` (trigger `alert`), or the new version's
 * success rate is below `min_success_rate`, or its error rate is more than
 * `max_error_rate_increase` above the previous version's (trigger `analysis`).
 *
 * Pure: the watcher reads the alerts and measures the rates, this decides. A rate that was
 * not measured, or came back NaN or infinite (no traffic: 0/0), decides nothing either way:
 * it never triggers a rollback and never counts as healthy; the verdict lists it as
 * unmeasured so the watcher can say so.
 */
import type { Alert } from '../alerts/alert-types.js';
import type { Reason } from '../types.js';
import type { WatchedRelease } from './watched-release.js';

export type RollbackTrigger = 'alert' | 'analysis';

/** The reason a triggered rollback carries (operation `reason`, audit details, alert summary). */
export interface TriggerReason extends Reason {
  code: 'rollback_triggered';
  trigger: RollbackTrigger;
  /** The deployment whose release was rolled back. */
  deploy_id: string;
}

/**
 * The rates of one measurement, each a share from 0 to 1, null when not measured.
 * `success_rate` and `error_rate` are of the new version; `baseline_error_rate` is the
 * previous version's, before the deployment started.
 */
export interface RateReading {
  deploy_id: string;
  measured_at: number;
  success_rate: number | null;
  error_rate: number | null;
  baseline_error_rate: number | null;
}

export type FiringAlert = Pick<Alert, 'id' | 'name' | 'severity' | 'service' | 'summary' | 'started_at'>;

export interface TriggerInput {
  release: WatchedRelease;
  /** Alerts firing now (any service: only the release's own count). */
  firing: readonly FiringAlert[];
  /** The latest measurement; null when none was taken (or none is configured). */
  rates: RateReading | null;
  now: number;
}

export type RateName = 'success_rate' | 'error_rate' | 'baseline_error_rate';

export type TriggerVerdict =
  | { state: 'triggered'; trigger: RollbackTrigger; reason: TriggerReason }
  /** Nothing fired; `unmeasured` names the rates a threshold needed but no number came for. */
  | { state: 'holding'; unmeasured: RateName[] };

export function decideRollbackTrigger(input: TriggerInput): TriggerVerdict {
  const { release, now } = input;
  if (now < release.completed_at || now >= release.until) return { state: 'holding', unmeasured: [] };
  const alert = criticalAlert(input);
  if (alert !== null) return triggered(release, 'alert', alert);
  const rates = ratesOf(input.rates, release);
  const unmeasured: RateName[] = [];
  const min = release.triggers.min_success_rate;
  if (min !== undefined) {
    if (rates.success === null) unmeasured.push('success_rate');
    else if (rates.success < min) {
      return triggered(release, 'analysis', `the success rate of ${release.version} is ${round(rates.success)}, below min_success_rate ${min}, ${minutesAfter(release, now)} after deployment ${release.deploy_id} completed`);
    }
  }
  const maxIncrease = release.triggers.max_error_rate_increase;
  if (maxIncrease !== undefined) {
    if (rates.error === null) unmeasured.push('error_rate');
    if (rates.baseline === null) unmeasured.push('baseline_error_rate');
    if (rates.error !== null && rates.baseline !== null && rates.error - rates.baseline > maxIncrease) {
      return triggered(
        release,
        'analysis',
        `the error rate of ${release.version} is ${round(rates.error)}, ${round(rates.error - rates.baseline)} above ${release.previous_version}'s ${round(rates.baseline)} (max_error_rate_increase ${maxIncrease}), ${minutesAfter(release, now)} after deployment ${release.deploy_id} completed`,
      );
    }
  }
  return { state: 'holding', unmeasured };
}

/**
 * The oldest P0 alert of the service that began with this release (at or after its
 * deployment started) and has fired for `critical_alert_minutes`, as a message. An alert
 * already firing before the deployment started is not the release's doing.
 */
function criticalAlert(input: TriggerInput): string | null {
  const { release, now } = input;
  const limitMs = release.triggers.critical_alert_minutes * 60_000;
  const critical = input.firing
    .filter((a) => a.service === release.service && a.severity === 'P0' && a.started_at >= release.started_at && now - a.started_at >= limitMs)
    .sort((a, b) => a.started_at - b.started_at)[0];
  if (critical === undefined) return null;
  return `P0 alert ${critical.name} (${critical.id}) has fired for ${durationText(now - critical.started_at)} (critical_alert_minutes ${release.triggers.critical_alert_minutes}) since ${release.version} was released by ${release.deploy_id}: ${critical.summary}`;
}

/**
 * The reading's rates for this release, each derived from the other when only one was
 * measured (success = 1 − error). A reading of another deployment, or taken before this
 * one completed, says nothing about the release.
 */
function ratesOf(reading: RateReading | null, release: WatchedRelease): { success: number | null; error: number | null; baseline: number | null } {
  if (reading === null || reading.deploy_id !== release.deploy_id || reading.measured_at < release.completed_at) return { success: null, error: null, baseline: null };
  const success = share(reading.success_rate);
  const error = share(reading.error_rate);
  return { success: success ?? (error === null ? null : 1 - error), error: error ?? (success === null ? null : 1 - success), baseline: share(reading.baseline_error_rate) };
}

/** A finite number, else null: NaN (0/0, no requests) and ±Inf are not measurements. */
function share(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function triggered(release: WatchedRelease, trigger: RollbackTrigger, what: string): TriggerVerdict {
  const message = `rolling ${release.service} back to ${release.previous_version}: ${what}`;
  return { state: 'triggered', trigger, reason: { code: 'rollback_triggered', message, trigger, deploy_id: release.deploy_id } };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function minutesAfter(release: WatchedRelease, now: number): string {
  return durationText(now - release.completed_at);
}

/** `45 s` below two minutes, `6 min` (whole minutes, rounded down) from there. */
function durationText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}
