/**
 * Log requests waiting for an agent (`ferry logs`). Agents have no HTTP server, so the
 * server cannot call them: a request is parked here, shows up in its host's assignments
 * (whose long-poll it wakes), and is answered by the agent through
 * `POST /api/v1/agents/{host}/logs/{request_id}`. Only the host a request was put to may
 * answer it. Requests live in this process's memory only: they last seconds, and one
 * lost to a restart is retried by the caller after its 503.
 */
import { randomUUID } from 'node:crypto';
import type { LogAnswer, LogRequest } from '../../../core/agent-protocol.js';
import type { WakeSignal } from '../../wake-signal.js';

interface Waiting {
  host: string;
  request: LogRequest;
  resolve(answer: LogAnswer | null): void;
}

export class LogRequestBroker {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly wake: WakeSignal) {}

  /** Puts the request to `host` and resolves with its agent's answer, or null after `timeoutMs`. */
  ask(host: string, request: Omit<LogRequest, 'request_id'>, timeoutMs: number): Promise<LogAnswer | null> {
    const request_id = `log-${randomUUID()}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), timeoutMs);
      const finish = (answer: LogAnswer | null): void => {
        clearTimeout(timer);
        if (!this.waiting.delete(request_id)) return;
        // The request leaves the assignments, so the agent will not answer it again.
        this.wake.hosts([host]);
        resolve(answer);
      };
      this.waiting.set(request_id, { host, request: { request_id, ...request }, resolve: finish });
      this.wake.hosts([host]);
    });
  }

  /** The requests waiting for this host's agent, oldest first. */
  pendingFor(host: string): LogRequest[] {
    return [...this.waiting.values()].filter((w) => w.host === host).map((w) => w.request);
  }

  /** Delivers an agent's answer; false when no such request waits for this host (expired, answered, another host's). */
  answer(host: string, requestId: string, answer: LogAnswer): boolean {
    const waiting = this.waiting.get(requestId);
    if (waiting === undefined || waiting.host !== host) return false;
    waiting.resolve(answer);
    return true;
  }
}
