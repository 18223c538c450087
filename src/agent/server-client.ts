/**
 * The agent's side of the wire contract (src/core/agent-protocol.ts): the assignments
 * long-poll and the heartbeat. Every call returns data, never throws for a failed
 * request, and says what kind of failure it was so the caller can pick how long to wait.
 */
import type { Assignments, HeartbeatAck, HeartbeatReport, LogAnswer } from '../core/agent-protocol.js';
import type { FetchFunction } from '../transport/fetch-with-ca.js';

export type CallFailureKind = 'network' | 'server' | 'auth' | 'rejected';

export type CallResult<T> = { ok: true; value: T } | { ok: false; kind: CallFailureKind; message: string };

export interface ServerClientOptions {
  serverUrl: string;
  token: string;
  hostId: string;
  /** The fetch to call the server with (`fetchTrusting`); the global fetch when absent. */
  fetch?: FetchFunction;
}

/** Slack on top of the long-poll wait before the client gives up on an answer. */
const LONG_POLL_SLACK_MS = 10_000;
const HEARTBEAT_TIMEOUT_MS = 10_000;

export class ServerClient {
  constructor(private readonly opts: ServerClientOptions) {}

  /** Waits up to `waitS` for assignments whose revision differs from `after` ('' for the first call). */
  fetchAssignments(after: string, waitS: number, signal: AbortSignal): Promise<CallResult<Assignments>> {
    const query = new URLSearchParams({ after, wait_s: String(waitS) });
    return this.call<Assignments>('GET', `assignments?${query}`, undefined, AbortSignal.any([signal, AbortSignal.timeout(waitS * 1000 + LONG_POLL_SLACK_MS)]));
  }

  /** Reports what the agent sees; the first call registers the host. */
  sendHeartbeat(report: HeartbeatReport, signal: AbortSignal): Promise<CallResult<HeartbeatAck>> {
    return this.call<HeartbeatAck>('POST', 'heartbeat', report, AbortSignal.any([signal, AbortSignal.timeout(HEARTBEAT_TIMEOUT_MS)]));
  }

  /** Answers a log request of the assignments (`ferry logs`). */
  answerLogRequest(requestId: string, answer: LogAnswer, signal: AbortSignal): Promise<CallResult<{ ok: true }>> {
    return this.call<{ ok: true }>('POST', `logs/${encodeURIComponent(requestId)}`, answer, AbortSignal.any([signal, AbortSignal.timeout(HEARTBEAT_TIMEOUT_MS)]));
  }

  private async call<T>(method: string, route: string, body: unknown, signal: AbortSignal): Promise<CallResult<T>> {
    const url = `${this.opts.serverUrl.replace(/\/+$/, '')}/api/v1/agents/${encodeURIComponent(this.opts.hostId)}/${route}`;
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(url, {
        method,
        signal,
        headers: { authorization: `Bearer ${this.opts.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      return { ok: false, kind: 'network', message: `${method} ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}` };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      try {
        return { ok: true, value: JSON.parse(text) as T };
      } catch {
        return { ok: false, kind: 'server', message: `${method} ${url}: answer is not JSON` };
      }
    }
    const kind: CallFailureKind = res.status === 401 || res.status === 403 ? 'auth' : res.status >= 500 || res.status === 429 ? 'server' : 'rejected';
    return { ok: false, kind, message: `${method} ${url}: HTTP ${res.status} ${errorMessage(text)}`.trim() };
  }
}

/** The message of a Ferry error body (CONTRACT §2), else the start of the raw text. */
function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (parsed.error?.message) return `${parsed.error.code ?? 'error'}: ${parsed.error.message}`;
  } catch {
    // not JSON; fall through to the raw text
  }
  return text.slice(0, 200);
}

export const RETRY_FIRST_MS = 200;
export const RETRY_CAP_MS = 5000;
/** A rejected token will not fix itself soon; retry slowly so logs stay readable. */
export const AUTH_RETRY_MS = 10_000;

/**
 * How long to wait after the `failures`-th consecutive failed call (1 = first failure).
 *
 *   network or server, 1st -> 200 ms; 2nd -> 400 ms; 3rd -> 800 ms; 6th and later -> 5000 ms
 *   auth (401/403), any    -> 10000 ms
 *   rejected (other 4xx)   -> 5000 ms: a bug on one side; retrying fast will not help
 */
export function retryDelayMs(kind: CallFailureKind, failures: number): number {
  if (kind === 'auth') return AUTH_RETRY_MS;
  if (kind === 'rejected') return RETRY_CAP_MS;
  return Math.min(RETRY_FIRST_MS * 2 ** Math.max(0, Math.min(failures - 1, 20)), RETRY_CAP_MS);
}
