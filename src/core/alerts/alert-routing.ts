/**
 * Who an alert goes to and what it links: the service's own `oncall` and `runbooks`
 * first, the server's defaults after (CONTRACT §3 Alerts), and the versions of the
 * service's most recent change, so a page says what just moved.
 */
import type { Operation, Service } from '../types.js';
import type { AlertName, AlertRuleConfig } from './alert-types.js';

/** The service spec's alerting fields. */
export interface AlertRouting {
  oncall: string | null;
  /** Alert name → runbook URL, overriding FERRY_RUNBOOK_BASE_URL + '/' + name. */
  runbooks: Readonly<Partial<Record<AlertName, string>>>;
}

/** e.g. base `https://wiki.example/runbooks/` and DeploymentFailed → `https://wiki.example/runbooks/DeploymentFailed`. */
export function runbookUrl(name: AlertName, routing: AlertRouting, config: Pick<AlertRuleConfig, 'runbookBaseUrl'>): string | null {
  const own = routing.runbooks[name];
  if (own !== undefined) return own;
  if (config.runbookBaseUrl === null) return null;
  return `${config.runbookBaseUrl.replace(/\/+$/, '')}/${name}`;
}

export function oncallOf(routing: AlertRouting, config: Pick<AlertRuleConfig, 'defaultOncall'>): string | null {
  return routing.oncall ?? config.defaultOncall;
}

/**
 * The versions of the service's most recent change. A whole-service operation that
 * succeeded moved the desired version, so the change is previous → desired; any other
 * latest operation (failed, rolled back, under way, or on some instances) tried its own
 * version against the desired one. With no operation at all: the desired pair as stored.
 *
 *   desired 2, previous 1, latest deploy of 3 rolled back → current 3, previous 2
 *   desired 3, previous 2, latest deploy of 3 succeeded   → current 3, previous 2
 */
export function recentChange(
  service: Pick<Service, 'desired_version' | 'previous_version'>,
  latest: Pick<Operation, 'version' | 'status' | 'whole_service'> | undefined,
): { current_version: string | null; previous_version: string | null } {
  if (latest === undefined || (latest.status === 'succeeded' && latest.whole_service)) {
    return { current_version: service.desired_version, previous_version: service.previous_version };
  }
  return { current_version: latest.version ?? service.desired_version, previous_version: service.desired_version };
}
