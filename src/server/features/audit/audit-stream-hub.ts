/**
 * The audit stream's server side: every open `GET /api/v1/audit/stream` connection, fed
 * from the event sink after commit, resumed from the store after a `Last-Event-ID`.
 *
 * Resuming without gaps or duplicates: a resumed stream subscribes to the sink FIRST, then
 * pages through the store for events after the client's last id. Events committed while
 * that catch-up runs arrive live and wait in `pending`; once the store has nothing more,
 * pending events are written unless the catch-up already wrote them (an event committed
 * between subscribing and the query is in both). Ids are compared as a set, not as "≤ the
 * highest id sent", because PostgreSQL may commit a lower id after a higher one. A late
 * delivery of an event the catch-up already wrote (the sink hears of a commit a few ticks
 * after the row is visible) is also caught by that set, which is kept until the first
 * heartbeat after the stream went live, long after any such delivery.
 *
 * Bounded: at most `maxStreams` streams; a stream whose socket holds more than
 * `maxBufferedBytes` unsent, or whose catch-up leaves more than `maxPendingEvents` live
 * events waiting, is closed (the client resumes with Last-Event-ID from where it got to).
 * A stream lasts at most `maxLifetimeMs` (an hour). A stream that closes, for any reason,
 * unsubscribes and stops its timers at once.
 *
 * Only events committed by THIS process reach the sink: with several server processes a
 * live stream misses the others' events until it reconnects (the catch-up reads the store).
 */
import type { Writable } from 'node:stream';
import { eventFrame, HEARTBEAT_FRAME, matchesStreamFilter, retryFrame, type AuditStreamFilter } from '../../../core/audit/audit-stream-frames.js';
import type { RecordedEvent } from '../../../core/events/event-catalogue.js';
import type { AuditEvent } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { EventSink } from '../../events/event-sink.js';
import { presentAuditEvent } from './audit-routes.js';

export interface AuditStreamLimits {
  /** Comment frames this often keep proxies from closing an idle stream (FERRY_AUDIT_HEARTBEAT_S, default 15 s). */
  heartbeatMs: number;
  /** The `retry:` hint: how long a client waits before reconnecting. */
  retryMs: number;
  maxStreams: number;
  /** Unsent bytes a stream's socket may hold before the client counts as too slow. */
  maxBufferedBytes: number;
  /** Live events that may wait while a resumed stream catches up. */
  maxPendingEvents: number;
  /** Events read from the store per catch-up query. */
  catchUpPage: number;
  /**
   * A stream ends after this long and the client resumes with Last-Event-ID: long-lived
   * connections then spread again over servers behind a balancer, and no stream outlives
   * a token revoked meanwhile by more than this.
   */
  maxLifetimeMs: number;
}

export const DEFAULT_AUDIT_STREAM_LIMITS: AuditStreamLimits = {
  heartbeatMs: 15_000,
  retryMs: 2_000,
  maxStreams: 64,
  maxBufferedBytes: 1024 * 1024,
  maxPendingEvents: 10_000,
  catchUpPage: 500,
  maxLifetimeMs: 60 * 60_000,
};

/** Why a stream ended, for the log line and the tests. */
export type StreamEnd = 'client_closed' | 'client_too_slow' | 'server_closing' | 'write_failed' | 'lifetime_reached';

export interface OpenStream {
  filter: AuditStreamFilter;
  /** Resume after this id (Last-Event-ID); undefined: only events committed from now on (or, with `since`, every stored one from then). */
  afterId: number | undefined;
  /** Told once, when the stream ended. */
  onEnd?: (why: StreamEnd) => void;
}

export class AuditStreamHub {
  readonly #open = new Set<AuditStreamConnection>();

  constructor(
    private readonly store: Store,
    private readonly sink: EventSink,
    readonly limits: AuditStreamLimits = DEFAULT_AUDIT_STREAM_LIMITS,
  ) {}

  get openStreams(): number {
    return this.#open.size;
  }

  /** Whether another stream may open now; the route answers 503 before writing anything otherwise. */
  hasRoom(): boolean {
    return this.#open.size < this.limits.maxStreams;
  }

  /** Starts streaming to `out` (headers already sent); resolves once the catch-up is written and the stream is live. */
  async open(out: Writable, opts: OpenStream): Promise<AuditStreamConnection> {
    const connection = new AuditStreamConnection(out, opts, this.limits, (c) => this.#open.delete(c));
    this.#open.add(connection);
    await connection.start(this.store, this.sink);
    return connection;
  }

  /** Ends every stream (server shutdown); clients reconnect with Last-Event-ID to another process or later. */
  closeAll(): void {
    for (const connection of [...this.#open]) connection.end('server_closing');
  }
}

/**
 * The sink hands every stream the same event object, so its frame is built once and shared:
 * serializing per stream made committing slower with each open stream (bench/audit-stream.mjs).
 */
const framed = new WeakMap<AuditEvent, string>();
function frameOf(event: AuditEvent): string {
  let frame = framed.get(event);
  if (frame === undefined) {
    frame = eventFrame(event.id, JSON.stringify(presentAuditEvent(event)));
    framed.set(event, frame);
  }
  return frame;
}

export class AuditStreamConnection {
  #ended = false;
  #live = false;
  #pending: AuditEvent[] = [];
  /** Ids the catch-up wrote; see the module comment for why a set and how long it lives. */
  #caughtUp: Set<number> | null = null;
  #unsubscribe: (() => void) | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #lifetime: NodeJS.Timeout | null = null;

  constructor(
    private readonly out: Writable,
    private readonly opts: OpenStream,
    private readonly limits: AuditStreamLimits,
    private readonly forget: (c: AuditStreamConnection) => void,
  ) {
    out.once('close', () => this.end('client_closed'));
    out.once('error', () => this.end('write_failed'));
  }

  get ended(): boolean {
    return this.#ended;
  }

  async start(store: Store, sink: EventSink): Promise<void> {
    this.#unsubscribe = sink.subscribe((event) => this.#heard(event));
    this.#write(retryFrame(this.limits.retryMs));
    if (this.opts.afterId !== undefined || this.opts.filter.since !== undefined) await this.#catchUp(store, this.opts.afterId);
    if (this.#ended) return;
    const caughtUp = this.#caughtUp;
    for (const event of this.#pending) if (caughtUp === null || !caughtUp.has(event.id)) this.#send(event);
    this.#pending = [];
    this.#live = true;
    this.#heartbeat = setInterval(() => {
      this.#caughtUp = null;
      this.#write(HEARTBEAT_FRAME);
    }, this.limits.heartbeatMs);
    this.#heartbeat.unref();
    this.#lifetime = setTimeout(() => this.end('lifetime_reached'), this.limits.maxLifetimeMs);
    this.#lifetime.unref();
  }

  /** Ends the stream once: unsubscribes, stops the heartbeat, closes the response. */
  end(why: StreamEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unsubscribe?.();
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    if (this.#lifetime !== null) clearTimeout(this.#lifetime);
    this.#pending = [];
    this.#caughtUp = null;
    this.forget(this);
    // A slow client's socket is full: ending politely would wait on it, so it is cut.
    if (why === 'client_too_slow' || why === 'write_failed') this.out.destroy();
    else if (!this.out.writableEnded) this.out.end();
    this.opts.onEnd?.(why);
  }

  /** Replays stored events after `afterId` (all matching ones when undefined, for a stream with `since`). */
  async #catchUp(store: Store, afterId: number | undefined): Promise<void> {
    this.#caughtUp = new Set();
    let cursor = afterId;
    for (;;) {
      const page = await store.listAudit({ ...this.opts.filter, ...(cursor !== undefined ? { after_id: cursor } : {}), limit: this.limits.catchUpPage });
      for (const event of page) {
        if (this.#ended) return;
        this.#caughtUp.add(event.id);
        cursor = event.id;
        // The catch-up waits for the client rather than buffering the whole backlog.
        if (!this.#write(frameOf(event))) await this.#drained();
      }
      if (page.length < this.limits.catchUpPage || this.#ended) return;
    }
  }

  #heard(recorded: RecordedEvent): void {
    // As the store returns it: an event recorded without trace or request id has them as null.
    const event: AuditEvent = { ...recorded, trace_id: recorded.trace_id ?? null, request_id: recorded.request_id ?? null };
    if (this.#ended || !matchesStreamFilter(this.opts.filter, event)) return;
    if (this.#live) return this.#send(event);
    this.#pending.push(event);
    if (this.#pending.length > this.limits.maxPendingEvents) this.end('client_too_slow');
  }

  #send(event: AuditEvent): void {
    if (this.#caughtUp?.has(event.id)) return;
    this.#write(frameOf(event));
    if (this.out.writableLength > this.limits.maxBufferedBytes) this.end('client_too_slow');
  }

  /** Writes unless ended; false when the socket asks the writer to wait for 'drain'. */
  #write(frame: string): boolean {
    if (this.#ended) return true;
    return this.out.write(frame);
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#ended) return resolve();
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }
}
