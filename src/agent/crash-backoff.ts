/**
 * How long to wait before restarting an instance that died on its own. Restarting at
 * once would spin a crash loop at full speed; waiting ever longer (up to a cap) keeps a
 * broken instance from eating the host while still bringing a flaky one back quickly.
 */

/** First delay; `FERRY_RESTART_BACKOFF_MS` may override it (tests). */
export const DEFAULT_RESTART_BACKOFF_MS = 1000;
export const MAX_RESTART_BACKOFF_MS = 30_000;
/** A process that ran this long before dying counts as healthy: its next crash starts over. */
export const STABLE_UPTIME_MS = 60_000;

export interface RestartPlan {
  delayMs: number;
  /** Consecutive crashes including this one, to pass back in next time. */
  crashes: number;
}

/**
 * The delay before the next restart, from the crashes so far and how long the process ran.
 *
 *   base 1000, crashes 0, uptime 2 s   -> 1000 ms, crashes 1
 *   base 1000, crashes 1, uptime 2 s   -> 2000 ms, crashes 2
 *   base 1000, crashes 5, uptime 2 s   -> 30000 ms (32000 capped), crashes 6
 *   base 1000, crashes 5, uptime 61 s  -> 1000 ms, crashes 1 (it had been stable)
 */
export function planRestart(crashesSoFar: number, uptimeMs: number, baseMs: number): RestartPlan {
  const previous = uptimeMs >= STABLE_UPTIME_MS ? 0 : crashesSoFar;
  const delayMs = Math.min(baseMs * 2 ** Math.min(previous, 30), Math.max(MAX_RESTART_BACKOFF_MS, baseMs));
  return { delayMs, crashes: previous + 1 };
}

/** The first delay, from `FERRY_RESTART_BACKOFF_MS` when set to a non-negative number. */
export function restartBackoffBase(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FERRY_RESTART_BACKOFF_MS;
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_RESTART_BACKOFF_MS;
}
