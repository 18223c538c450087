/**
 * The prefix of every metric name (OBS_METRICS_NAMESPACE, default `ferry`; CONTRACT §3).
 * Read once at server start; a value Prometheus could not use as the start of a metric
 * name stops the start with a message naming the variable, instead of a registry error
 * at the first scrape or, worse, metrics under a name nobody's rules match.
 */
import { InputError } from '../core/errors.js';
import type { Check } from '../core/result.js';

export const DEFAULT_METRICS_NAMESPACE = 'ferry';

/** Prometheus metric names are `[a-zA-Z_:][a-zA-Z0-9_:]*`; a namespace keeps to letters, digits and `_`, not starting `__` (reserved). */
const NAMESPACE_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

export function checkMetricsNamespace(value: string): Check {
  if (!NAMESPACE_PATTERN.test(value) || value.startsWith('__')) {
    return {
      ok: false,
      reason: 'invalid_metrics_namespace',
      message: `OBS_METRICS_NAMESPACE "${value.slice(0, 80)}" is not a usable metric name prefix: use 1-64 letters, digits or underscores, not starting with a digit or "__"`,
    };
  }
  return { ok: true };
}

/** The namespace from the environment; a bad value throws an InputError (`ferry server` exits 2 with its message). */
export function readMetricsNamespace(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.OBS_METRICS_NAMESPACE;
  if (raw === undefined || raw === '') return DEFAULT_METRICS_NAMESPACE;
  const check = checkMetricsNamespace(raw);
  if (!check.ok) throw new InputError(check.reason, check.message);
  return raw;
}
