/**
 * When a failed alert delivery is tried again: exponential backoff with a cap and jitter,
 * for a bounded time. Jitter spreads the retries of many queued deliveries (e.g. after a
 * receiver outage) so they do not all arrive at once when it comes back.
 *
 * With initial 1 s and cap 60 s the delays before attempts 2, 3, 4, … are about
 * 1, 2, 4, 8, 16, 32, 60, 60 s, each scaled by a jitter factor in [0.5, 1].
 */

export interface BackoffPolicy {
  /** Delay after the first failure, before jitter. */
  initialMs: number;
  /** No delay exceeds this, before jitter. */
  maxMs: number;
  /** A delivery still failing this long after it was queued is given up (at least 10 minutes by default). */
  giveUpAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, giveUpAfterMs: 15 * 60_000 };

/** The delay after `failedAttempts` failures (1 = the first); `random` in [0, 1) picks the jitter. */
export function backoffDelayMs(failedAttempts: number, policy: BackoffPolicy, random: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  // 2^exponent overflows to Infinity for large exponents, which min() caps just the same.
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(base * (0.5 + 0.5 * random));
}

export type RetryDecision = { retry: true; at: number } | { retry: false; reason: 'gave_up' };

/**
 * After a failed attempt at `now`: try again at `at`, or give up when the delivery has
 * been queued for `giveUpAfterMs`. A retry never lands past that deadline by more
 * than one delay, so the last try happens close to it.
 */
export function retryAfterFailure(failedAttempts: number, queuedAt: number, now: number, policy: BackoffPolicy, random: number): RetryDecision {
  if (now - queuedAt >= policy.giveUpAfterMs) return { retry: false, reason: 'gave_up' };
  return { retry: true, at: now + backoffDelayMs(failedAttempts, policy, random) };
}
