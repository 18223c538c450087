/**
 * The assignments long-poll loop. It never gives up: network errors and 5xx back off
 * from 200 ms doubling to 5 s, a rejected token is logged clearly and retried slowly,
 * and the loop ends only when the agent stops.
 */
import type { Logger } from 'pino';
import type { Assignments } from '../core/agent-protocol.js';
import { retryDelayMs, type CallFailureKind, type ServerClient } from './server-client.js';

/** A server answering at once with an unchanged revision would otherwise spin the loop. */
const MIN_UNCHANGED_INTERVAL_MS = 200;

export interface PollerOptions {
  client: ServerClient;
  longPollS: number;
  log: Logger;
  signal: AbortSignal;
  /** The clock the minimum interval between unchanged answers is measured on. */
  now: () => number;
  /** Called with every successful answer, changed or not; applying must be idempotent. */
  onAssignments(assignments: Assignments): void;
}

export async function pollAssignments(opts: PollerOptions): Promise<void> {
  let revision = '';
  let failures = 0;
  let lastFailure: CallFailureKind | null = null;
  while (!opts.signal.aborted) {
    const askedAt = opts.now();
    const result = await opts.client.fetchAssignments(revision, opts.longPollS, opts.signal);
    if (opts.signal.aborted) return;
    if (result.ok) {
      if (lastFailure !== null) opts.log.info('assignments: server reachable again');
      failures = 0;
      lastFailure = null;
      const unchanged = result.value.revision === revision;
      revision = result.value.revision;
      opts.onAssignments(result.value);
      if (unchanged && opts.now() - askedAt < MIN_UNCHANGED_INTERVAL_MS) await sleep(MIN_UNCHANGED_INTERVAL_MS, opts.signal);
      continue;
    }
    failures += 1;
    const delayMs = retryDelayMs(result.kind, failures);
    logFailure(opts.log, result.kind, result.message, delayMs, result.kind !== lastFailure);
    lastFailure = result.kind;
    await sleep(delayMs, opts.signal);
  }
}

function logFailure(log: Logger, kind: CallFailureKind, message: string, delayMs: number, firstOfStreak: boolean): void {
  if (kind === 'auth') {
    log.error({ retry_in_ms: delayMs }, `assignments: the server rejected the agent token (${message}); check --token / FERRY_AGENT_TOKEN`);
  } else if (firstOfStreak) {
    log.warn({ retry_in_ms: delayMs }, `assignments: cannot reach the server (${message}); retrying with backoff`);
  } else {
    log.debug({ retry_in_ms: delayMs }, `assignments: still failing (${message})`);
  }
}

/** Waits `ms`, or less when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
