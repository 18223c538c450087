/**
 * The JSON log of the long-running processes (CONTRACT §3 Logs): pino lines on stdout for
 * `ferry server` and `ferry agent`, at FERRY_LOG_LEVEL (default info), with secrets
 * censored by path whichever object carries them. A value is censored by its key, so code
 * that logs a secret under another name is a bug the redaction test (test/e2e/logs-fields)
 * catches by grepping real output for the real secret values.
 */
import pino from 'pino';
import { checkLogLevel } from './log-level.js';

/** Keys whose values never reach the log: tokens, Authorization, signing keys and a service's environment. */
export const SECRET_LOG_PATHS = [
  'env',
  '*.env',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'signing_key',
  '*.signing_key',
  'webhook_secret',
  '*.webhook_secret',
  'FERRY_WEBHOOK_SECRET',
  '*.FERRY_WEBHOOK_SECRET',
];

/** A process's logger; `component` names the process in every line (ferry-server, ferry-agent). */
export function createJsonLog(component: string, level: string, destination: pino.DestinationStream = pino.destination({ fd: 1, sync: true })): pino.Logger {
  return pino({ level: checkLogLevel(level), base: { component }, redact: { paths: SECRET_LOG_PATHS, censor: '[redacted]' } }, destination);
}
