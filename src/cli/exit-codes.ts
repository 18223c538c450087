/**
 * The CLI's exit codes (CONTRACT §1). Scripts branch on them, so each failure the CLI
 * expects is raised as a `CliFailure` carrying one of these codes and reported as a
 * single `ferry: <message>` line, never a stack trace.
 */

export const EXIT_OK = 0;
/** The operation ran and did not succeed (a deployment or rollback failed, the server broke: 5xx but 503). */
export const EXIT_FAILED = 1;
/** Bad usage or bad input: unknown flag, invalid name, refused by the API with 400/404/409/422 (but see EXIT_REFUSED_FOR_NOW). */
export const EXIT_USAGE = 2;
/** The server could not be reached, or refused our credentials (401/403). */
export const EXIT_UNREACHABLE = 3;
/**
 * Refused for now and nothing changed: the service is locked by another operation, a freeze or
 * an admission gate holds, or the server is temporarily unable (503). A CI job may retry later
 * or clear the gate; the request itself was fine.
 */
export const EXIT_REFUSED_FOR_NOW = 4;

/** API error codes that mean "not now" rather than "not this": each keeps the request valid for later. */
const REFUSED_FOR_NOW: ReadonlyArray<readonly [status: number, code: string]> = [
  [409, 'service_locked'],
  [409, 'replay_running'],
  [422, 'frozen'],
  [422, 'not_admitted'],
];

/**
 * A promotion refusal (422 `promotion_refused`) is "not now" only when every reason in
 * `details.reasons` is one that time or a gate may clear: the soak, a firing alert, an
 * admission. `same_version` and `channel_empty` never pass later: retrying is pointless.
 */
const PROMOTION_REASONS_FOR_NOW: readonly string[] = ['soak_not_elapsed', 'alert_firing', 'not_admitted'];

export interface CliFailureOptions {
  /** The API's snake_case error code, when the failure came from the API. */
  code?: string;
  /** The HTTP status, when the failure came from the API. */
  status?: number;
  /** True when trying again later may succeed (connection refused, 503): `--wait` loops ride these out. */
  retryable?: boolean;
}

/** An expected failure; `message` is one sentence for a person ('' prints nothing). */
export class CliFailure extends Error {
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly exitCode: number,
    options: CliFailureOptions = {},
  ) {
    super(message);
    this.name = 'CliFailure';
    this.code = options.code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad usage or input found by the CLI itself. */
export function usageFailure(message: string): CliFailure {
  return new CliFailure(message, EXIT_USAGE);
}

/**
 * Exit code for an API error status and, when the body had them, its error code and details:
 *   401, 403                                     → 3 (cannot authenticate)
 *   503; 409 service_locked; 422 frozen, not_admitted → 4 (refused for now, nothing changed)
 *   422 promotion_refused whose every reason is soak_not_elapsed, alert_firing or
 *     not_admitted                               → 4; with any other reason (same_version,
 *     channel_empty) or none readable            → 2
 *   other 5xx                                    → 1 (the server could not do it)
 *   400, 404, other 409 and 422, other 4xx       → 2 (the request itself was refused)
 */
export function exitCodeForStatus(status: number, code?: string, details?: Record<string, unknown>): number {
  if (status === 401 || status === 403) return EXIT_UNREACHABLE;
  if (status === 503) return EXIT_REFUSED_FOR_NOW;
  if (REFUSED_FOR_NOW.some(([s, c]) => s === status && c === code)) return EXIT_REFUSED_FOR_NOW;
  if (status === 422 && code === 'promotion_refused' && promotionMayPassLater(details)) return EXIT_REFUSED_FOR_NOW;
  if (status >= 500) return EXIT_FAILED;
  return EXIT_USAGE;
}

/** True when the refusal lists at least one reason and each is one a later try may clear. */
function promotionMayPassLater(details: Record<string, unknown> | undefined): boolean {
  const reasons = details?.reasons;
  if (!Array.isArray(reasons) || reasons.length === 0) return false;
  return reasons.every((reason) => {
    const code = typeof reason === 'object' && reason !== null ? (reason as { code?: unknown }).code : undefined;
    return typeof code === 'string' && PROMOTION_REASONS_FOR_NOW.includes(code);
  });
}
