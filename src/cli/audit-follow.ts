/**
 * `ferry audit --follow`: prints audit events as the server commits them, from
 * `GET /api/v1/audit/stream`, until Ctrl-C. A dropped connection (server restart, proxy
 * timeout, a stream cut for being too slow, silence longer than `idleTimeoutMs` although
 * the server sends heartbeats) is reopened with `Last-Event-ID` set to the last event
 * printed, so the server replays what was missed from the store: nothing is skipped and
 * nothing printed twice. Reconnects wait the server's `retry:` hint, doubling after each
 * failed attempt up to `maxBackoffMs`. The first connection must succeed (a wrong --server
 * fails at once, exit 3); an answer that retrying cannot change (401, 403, 400) ends the
 * command with that answer's exit code.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { abortableSleep } from './abortable-sleep.js';
import type { ApiClient } from './api-client.js';
import { EventStreamParser } from './event-stream-parser.js';
import type { CliFailure } from './exit-codes.js';

export interface AuditFollowOptions {
  client: ApiClient;
  filter: { service?: string; type?: string; deploy_id?: string; since?: string };
  /** Resume after this event id (the last one `--since` printed); undefined: new events only. */
  afterId?: string;
  print(event: Record<string, unknown>): void;
  note(line: string): void;
  /** Aborts on Ctrl-C: followAudit then resolves. */
  signal: AbortSignal;
  idleTimeoutMs?: number;
  maxBackoffMs?: number;
}

/** Three missed heartbeats of the server's default 15 s. */
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;
const DEFAULT_MAX_BACKOFF_MS = 10_000;
/** Until the server's `retry:` hint arrives. */
const DEFAULT_RETRY_MS = 1_000;
/** A refusal's body is a small JSON error; more than this is not one. */
const MAX_REFUSAL_BYTES = 64 * 1024;

type Attempt = { kind: 'dropped'; connected: boolean; why: string } | { kind: 'unreachable'; error: unknown } | { kind: 'refused'; failure: CliFailure };

/** Follows until `signal` aborts; rejects with a CliFailure for an answer retrying cannot change. */
export async function followAudit(opts: AuditFollowOptions): Promise<void> {
  let lastId = opts.afterId;
  let retryMs = DEFAULT_RETRY_MS;
  let delay = retryMs;
  let everConnected = false;
  const maxBackoffMs = opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  while (!opts.signal.aborted) {
    const attempt = await streamOnce(opts, lastId, {
      onEvent: (id) => (lastId = id ?? lastId),
      onRetryHint: (ms) => (retryMs = ms),
    });
    if (opts.signal.aborted) return;
    if (attempt.kind === 'refused' && attempt.failure.retryable !== true) throw attempt.failure;
    if (attempt.kind === 'unreachable' && !everConnected) throw opts.client.unreachable(attempt.error);
    if (attempt.kind === 'dropped' && attempt.connected) {
      everConnected = true;
      delay = retryMs;
    }
    const why = attempt.kind === 'dropped' ? attempt.why : attempt.kind === 'refused' ? attempt.failure.message : 'server unreachable';
    opts.note(`audit stream: ${why}; reconnecting in ${(delay / 1000).toFixed(1)} s${lastId !== undefined ? ` after event ${lastId}` : ''}`);
    await abortableSleep(delay, opts.signal);
    delay = Math.min(delay * 2, Math.max(maxBackoffMs, retryMs));
  }
}

interface StreamCallbacks {
  onEvent(id: string | null): void;
  onRetryHint(ms: number): void;
}

/** One connection, from request to its end; never rejects. */
async function streamOnce(opts: AuditFollowOptions, lastId: string | undefined, on: StreamCallbacks): Promise<Attempt> {
  const target = await opts.client.streamTarget('/api/v1/audit/stream', opts.filter);
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (attempt: Attempt): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      opts.signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(attempt);
    };
    const onAbort = (): void => finish({ kind: 'dropped', connected, why: 'interrupted' });
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish({ kind: 'dropped', connected, why: `nothing heard for ${idleTimeoutMs / 1000} s` }), idleTimeoutMs);
    };
    const headers = { ...target.headers, accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': lastId } : {}) };
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target.url, { method: 'GET', headers, ...(target.ca !== undefined ? { ca: target.ca } : {}) }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) return void readRefusal(res).then(async (text) => finish({ kind: 'refused', failure: await opts.client.failureFor(res.statusCode ?? 0, text) }));
      connected = true;
      const parser = new EventStreamParser();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        armIdle();
        try {
          for (const item of parser.push(chunk)) {
            if (item.kind === 'retry') on.onRetryHint(item.ms);
            if (item.kind !== 'event') continue;
            opts.print(JSON.parse(item.data) as Record<string, unknown>);
            on.onEvent(item.id);
          }
        } catch (error) {
          finish({ kind: 'dropped', connected, why: `unreadable stream (${(error as Error).message})` });
        }
      });
      res.on('end', () => finish({ kind: 'dropped', connected, why: 'the server ended the stream' }));
      res.on('close', () => finish({ kind: 'dropped', connected, why: 'connection closed' }));
    });
    req.on('error', (error) => finish(connected ? { kind: 'dropped', connected, why: `connection lost (${(error as { code?: string }).code ?? error.message})` } : { kind: 'unreachable', error }));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    armIdle();
    req.end();
  });
}

/** The body of a non-200 answer, at most MAX_REFUSAL_BYTES of it. */
function readRefusal(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REFUSAL_BYTES) chunks.push(chunk);
      else res.destroy();
    });
    const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    res.on('end', done);
    res.on('close', done);
  });
}
