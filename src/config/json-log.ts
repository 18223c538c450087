/**
 * The JSON log of the long-running processes (CONTRACT §3 Logs): pino lines on stdout for
 * `ferry server` and `ferry agent`, at FERRY_LOG_LEVEL (default info), with secrets
 * censored by key whichever object carries them. A value is censored by its key, so code
 * that logs a secret under another name is a bug the redaction test (test/e2e/logs-fields)
 * catches by grepping real output for the real secret values.
 *
 * Why the censoring is split in two: pino's `redact` with wildcard paths (`*.token`) runs
 * a clone-and-stringify of every field of every line through the redactor, which cost
 * about 9 µs a line, most of a line's price, and the "request answered" line is written
 * for every session allocation (bench/sessions-observability.mjs). So pino's `redact`
 * keeps only the exact paths (a cost paid by lines that carry those keys), and the
 * one-level-down keys are censored by `censorNestedSecrets` below, which copies nothing
 * unless it finds a secret. Child-logger bindings are censored by pino at their top level
 * only; keep bindings flat (ids and names), as every caller does.
 */
import pino from 'pino';
import { checkLogLevel } from './log-level.js';

/** Keys whose values never reach the log, at a line's top level or one level down. */
export const SECRET_LOG_KEYS = ['env', 'token', 'secret', 'authorization', 'signing_key', 'webhook_secret', 'FERRY_WEBHOOK_SECRET'] as const;

/** The same rule as pino redaction paths: what `createJsonLog`'s output must equal (the test's reference). */
export const SECRET_LOG_PATHS = [...SECRET_LOG_KEYS.flatMap((key) => [key, `*.${key}`]), 'headers.authorization', 'req.headers.authorization'];

export const CENSORED = '[redacted]';

const SECRET_KEYS: ReadonlySet<string> = new Set(SECRET_LOG_KEYS);

/**
 * `fields` with every secret key of its object values censored (the `*.key` paths): the
 * same object when there is none, else a shallow copy whose affected values are copies
 * (prototype and own properties kept, so an Error stays an Error).
 *   censorNestedSecrets({ route: '/x', body: { token: 't' } }) → { route: '/x', body: { token: '[redacted]' } }
 */
export function censorNestedSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const name in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
    const value = fields[name];
    if (typeof value !== 'object' || value === null) continue;
    const censored = censorOwnSecrets(value as Record<string, unknown>);
    if (censored === value) continue;
    out ??= { ...fields };
    out[name] = censored;
  }
  return out ?? fields;
}

function censorOwnSecrets(value: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of SECRET_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(value, key) || value[key] === undefined) continue;
    copy ??= Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as Record<string, unknown>;
    Object.defineProperty(copy, key, { value: CENSORED, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}

/** A process's logger; `component` names the process in every line (ferry-server, ferry-agent). */
export function createJsonLog(component: string, level: string, destination: pino.DestinationStream = pino.destination({ fd: 1, sync: true })): pino.Logger {
  return pino(
    {
      level: checkLogLevel(level),
      base: { component },
      redact: { paths: [...SECRET_LOG_KEYS, 'req.headers.authorization'], censor: CENSORED },
      formatters: { log: censorNestedSecrets },
    },
    destination,
  );
}
