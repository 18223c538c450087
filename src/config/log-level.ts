/**
 * FERRY_LOG_LEVEL (and --log-level) of `ferry server` and `ferry agent`: one of pino's
 * levels, checked at start-up so a typo is a one-line refusal (exit 2), not a pino stack
 * trace or a silently different level. No pino import here: the CLI's option parsing uses
 * this without loading the logger.
 */

/** pino's levels; `silent` writes nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 *   checkLogLevel('debug') → 'debug'
 *   checkLogLevel(' WARN ') → 'warn'
 *   checkLogLevel('loud')  → throws 'log level must be one of fatal, error, …, got "loud"'
 */
export function checkLogLevel(raw: string): LogLevel {
  const level = raw.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new Error(`log level must be one of ${LOG_LEVELS.join(', ')} (--log-level or FERRY_LOG_LEVEL), got "${raw}"`);
}
