/**
 * Cuts an instance report's text to what the server accepts (REPORT_TEXT_LIMITS): one
 * over-long message must not make the server refuse the whole heartbeat, which would
 * silence every instance of the host. A version longer than a version can be is no
 * version at all.
 */
import { REPORT_TEXT_LIMITS, type InstanceReport } from '../core/agent-protocol.js';
import type { Reason } from '../core/types.js';

export function boundInstanceReport(report: InstanceReport): InstanceReport {
  const source = report.version_source ?? null;
  return {
    ...report,
    version: report.version !== null && report.version.length > REPORT_TEXT_LIMITS.version ? null : report.version,
    ...(report.version_source !== undefined ? { version_source: source === null ? null : { ...source, detail: cut(source.detail, REPORT_TEXT_LIMITS.sourceDetail) } } : {}),
    ...(report.version_refusal !== undefined ? { version_refusal: boundReason(report.version_refusal) } : {}),
    outcome:
      report.outcome === null
        ? null
        : { ...report.outcome, code: report.outcome.code === null ? null : cut(report.outcome.code, REPORT_TEXT_LIMITS.code), message: report.outcome.message === null ? null : cut(report.outcome.message, REPORT_TEXT_LIMITS.message) },
  };
}

function boundReason(reason: Reason | null): Reason | null {
  return reason === null ? null : { code: cut(reason.code, REPORT_TEXT_LIMITS.code), message: cut(reason.message, REPORT_TEXT_LIMITS.message) };
}

/** `text` when it fits, else its head and an ellipsis, `max` characters in all. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
