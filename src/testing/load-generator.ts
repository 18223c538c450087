/**
 * Open-loop, fixed-rate HTTP load for the zero-downtime tests and benchmark: requests go
 * out on a schedule (request n at start + n / rate), whatever the answers do, so a slow or
 * stopping backend cannot quietly lower the load it is judged under (a closed loop would
 * send less exactly when it hurts). They share a small pool of keep-alive connections, as
 * a real client behind a balancer does, and every request has a deadline.
 *
 * Every outcome is counted: `ok` (2xx), or a failure by reason (`status_503`,
 * `connection_reset`, `connection_refused`, `timeout`, …). The first failures are kept
 * with their time and detail, for an assertion message that says what went wrong. Answers
 * are tallied by the version they report (hello-service's `{"version"}` body on /version
 * and /api/items), which is how a canary's share of the traffic is counted.
 *
 * A connection closed before any answer (a hang-up or reset, not a status) is the front
 * server closing it, not an instance losing a request: behind HAProxy or nginx a lost
 * request is answered 502/503. nginx's old workers close the client connections they hold
 * no request on (idle keep-alive ones, and ones accepted just before) on every reload.
 * `resendUnanswered` makes the client send such a GET again on a new connection, as
 * browsers do, and counts every resend; the detail of a failure says whether its
 * connection was a reused keep-alive one.
 */
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface LoadOptions {
  /** What every request GETs, e.g. `http://127.0.0.1:8080/version`. */
  url: string;
  /** Requests per second, spread evenly. */
  rate: number;
  /** Keep-alive connections shared by the requests (default 16). */
  connections?: number;
  /** A request not answered in full by then fails as `timeout` (default 2000). */
  timeoutMs?: number;
  /** Stop sending after this long; without it the load runs until `stop()`. */
  durationMs?: number;
  /** Stop sending after this many requests. */
  maxRequests?: number;
  /** Failures kept in detail (default 50); all of them are counted. */
  keptFailures?: number;
  /**
   * How many times a GET whose connection closed before any answer is sent again, each
   * time on a new connection of its own (default 0: never). A client may retry an
   * idempotent request after a connection failure (RFC 9110 §9.2.2, RFC 9112 §9.3.1), and
   * Node documents it for keep-alive (`request.reusedSocket`). It never hides a request
   * an instance lost: the balancer answers that one with a status. Counted in `resent`.
   */
  resendUnanswered?: number;
}

export interface LoadFailure {
  /** Ms since the load started. */
  at: number;
  reason: string;
  detail: string;
}

export interface LoadReport {
  sent: number;
  ok: number;
  failed: number;
  /** Failures by reason. */
  failures: Record<string, number>;
  /** The first failures, in order. */
  firstFailures: LoadFailure[];
  /** 2xx answers by the version their body names; `unknown` when it names none. */
  versions: Record<string, number>;
  elapsedMs: number;
  /** Requests actually sent per second, to show the schedule held. */
  achievedRate: number;
  /** Sends again after a connection closed before any answer (`resendUnanswered`). */
  resent: number;
}

export interface RunningLoad {
  /** Stops sending, waits for the requests in flight (each ends by its deadline) and reports. */
  stop(): Promise<LoadReport>;
  /** Resolves once `durationMs` or `maxRequests` is reached and every request has ended. */
  readonly finished: Promise<LoadReport>;
  /** The counts so far, while it runs. */
  snapshot(): LoadReport;
}

/** Bytes of an answer read for its version; hello-service's answers are far smaller. */
const MAX_BODY_BYTES = 64 * 1024;
/** How often the schedule is checked: 400 req/s is one request every 2.5 ms, sent in small bursts. */
const TICK_MS = 5;

/** Starts the load; call `stop()` (or await `finished`) to get the report. */
export function startLoad(options: LoadOptions): RunningLoad {
  const url = new URL(options.url);
  const timeoutMs = options.timeoutMs ?? 2000;
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 16 });
  const tally = new LoadTally(options.keptFailures ?? 50);
  const started = performance.now();
  const limit = Math.min(options.maxRequests ?? Infinity, options.durationMs === undefined ? Infinity : Math.floor((options.durationMs * options.rate) / 1000));
  const inFlight = new Set<Promise<void>>();
  let sending = true;
  let resolveFinished!: (report: LoadReport) => void;
  const finished = new Promise<LoadReport>((resolve) => (resolveFinished = resolve));

  const timer = setInterval(() => {
    const due = Math.min(limit, Math.floor(((performance.now() - started) * options.rate) / 1000));
    while (sending && tally.sent < due) {
      const one = sendOne(agent, url, { timeoutMs, resendUnanswered: options.resendUnanswered ?? 0 }, tally, started).finally(() => inFlight.delete(one));
      inFlight.add(one);
    }
    if (tally.sent >= limit && sending) void end();
  }, TICK_MS);

  let ending: Promise<LoadReport> | null = null;
  const end = (): Promise<LoadReport> =>
    (ending ??= (async () => {
      sending = false;
      clearInterval(timer);
      const sendingEnded = performance.now();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      agent.destroy();
      const report = tally.report(sendingEnded - started);
      resolveFinished(report);
      return report;
    })());

  return { stop: end, finished, snapshot: () => tally.report(performance.now() - started) };
}

/**
 * One GET with its own deadline, counted in `tally` whatever happens. A connection closed
 * before any answer sends it again on a new connection, up to `resendUnanswered` times,
 * within the same deadline.
 */
function sendOne(agent: Agent, url: URL, options: Required<Pick<LoadOptions, 'timeoutMs' | 'resendUnanswered'>>, tally: LoadTally, started: number): Promise<void> {
  tally.sent++;
  return new Promise<void>((resolve) => {
    let settled = false;
    let current: ClientRequest | undefined;
    const settle = (outcome: { ok: true; version: string } | { ok: false; reason: string; detail: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (outcome.ok) tally.succeeded(outcome.version);
      else tally.failedWith(outcome.reason, outcome.detail, performance.now() - started);
      resolve();
    };
    // The deadline counts from the scheduled send, so time queued for a free connection counts too.
    const deadline = setTimeout(() => {
      settle({ ok: false, reason: 'timeout', detail: `no full answer within ${options.timeoutMs} ms` });
      current?.destroy();
    }, options.timeoutMs);
    const attempt = (resends: number): void => {
      // A resend takes a new connection of its own: the pool's other idle ones may be closing too.
      const req = request(url, { agent: resends === 0 ? agent : false, method: 'GET' }, (res) => {
        readCapped(res)
          .then((body) => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) settle({ ok: true, version: versionIn(body) });
            else settle({ ok: false, reason: `status_${status}`, detail: body.slice(0, 200) });
          })
          .catch((err: NodeJS.ErrnoException) => settle({ ok: false, reason: reasonOf(err), detail: err.message }));
      });
      current = req;
      req.on('error', (err: NodeJS.ErrnoException) => {
        // Closed before any answer began: the response callback never ran.
        if (err.code === 'ECONNRESET' && resends < options.resendUnanswered && !settled) {
          tally.resent++;
          return attempt(resends + 1);
        }
        settle({ ok: false, reason: reasonOf(err), detail: `${err.message}${req.reusedSocket ? ' (on a reused keep-alive connection, before any answer)' : ''}` });
      });
      req.end();
    };
    attempt(0);
  });
}

/** The body as text, at most MAX_BODY_BYTES of it (the rest is read and dropped). */
function readCapped(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    res.on('data', (chunk: Buffer) => {
      if (kept >= MAX_BODY_BYTES) return;
      chunks.push(chunk.subarray(0, MAX_BODY_BYTES - kept));
      kept += Math.min(chunk.length, MAX_BODY_BYTES - kept);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('aborted', () => reject(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
    res.on('error', reject);
  });
}

/** The version a JSON body names (`{"version": "v2", …}`), else `unknown`. */
export function versionIn(body: string): string {
  try {
    const parsed = JSON.parse(body) as { version?: unknown };
    return typeof parsed.version === 'string' && parsed.version !== '' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A stable reason for a failed request from its socket error. */
export function reasonOf(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNRESET':
      return err.message === 'socket hang up' ? 'socket_hang_up' : 'connection_reset';
    case 'ECONNREFUSED':
      return 'connection_refused';
    case 'EPIPE':
      return 'broken_pipe';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return err.code !== undefined ? err.code.toLowerCase() : 'error';
  }
}

/** The running counts of one load. */
class LoadTally {
  sent = 0;
  resent = 0;
  private ok = 0;
  private readonly failures: Record<string, number> = {};
  private readonly firstFailures: LoadFailure[] = [];
  private readonly versions: Record<string, number> = {};

  constructor(private readonly kept: number) {}

  succeeded(version: string): void {
    this.ok++;
    this.versions[version] = (this.versions[version] ?? 0) + 1;
  }

  failedWith(reason: string, detail: string, at: number): void {
    this.failures[reason] = (this.failures[reason] ?? 0) + 1;
    if (this.firstFailures.length < this.kept) this.firstFailures.push({ at: Math.round(at), reason, detail });
  }

  report(elapsedMs: number): LoadReport {
    const failed = Object.values(this.failures).reduce((a, b) => a + b, 0);
    return {
      sent: this.sent,
      ok: this.ok,
      failed,
      failures: { ...this.failures },
      firstFailures: [...this.firstFailures],
      versions: { ...this.versions },
      elapsedMs: Math.round(elapsedMs),
      achievedRate: elapsedMs > 0 ? Math.round((this.sent * 1000 * 10) / elapsedMs) / 10 : 0,
      resent: this.resent,
    };
  }
}

/** One line for an assertion message: the counts and the first failures. */
export function describeLoad(report: LoadReport): string {
  const first = report.firstFailures.slice(0, 10).map((f) => `${f.at}ms ${f.reason}: ${f.detail}`);
  const retries = report.resent > 0 ? ` (${report.resent} resends after a connection closed before any answer)` : '';
  return `${report.sent} sent, ${report.ok} ok${retries}, ${report.failed} failed ${JSON.stringify(report.failures)}; versions ${JSON.stringify(report.versions)}${first.length > 0 ? `; first failures: ${first.join(' | ')}` : ''}`;
}
