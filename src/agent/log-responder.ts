/**
 * Answers the `log_requests` of the assignments (`ferry logs`, core/agent-protocol.ts):
 * reads the end of an instance's `logs/instance.log`, bounded by the request's lines and
 * bytes, and posts it back. Only instances assigned to this host are read, so a request
 * cannot name a path of its own. Each request is answered once; the server drops it
 * from the assignments when answered or expired.
 */
import type { Logger } from 'pino';
import { MAX_LOG_BYTES, MAX_LOG_LINES, type Assignments, type LogAnswer, type LogRequest } from '../core/agent-protocol.js';
import { instanceDir, logFile } from './host-layout.js';
import { readLogWindow } from './instance-log.js';
import type { ServerClient } from './server-client.js';

export class LogResponder {
  /** Requests answered or being answered, kept while the server still lists them. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly client: ServerClient,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  /** Called with every assignments answer; starts answering the requests not seen before. */
  handle(assignments: Assignments): void {
    const requests = assignments.log_requests ?? [];
    const listed = new Set(requests.map((r) => r.request_id));
    for (const id of this.seen) if (!listed.has(id)) this.seen.delete(id);
    for (const request of requests) {
      if (this.seen.has(request.request_id)) continue;
      this.seen.add(request.request_id);
      void this.respond(request, assignments).catch((err: Error) => this.log.warn({ err, instance_id: request.instance_id }, 'log request: cannot answer'));
    }
  }

  private async respond(request: LogRequest, assignments: Assignments): Promise<void> {
    const answer = await readRequestedLog(this.root, request, assignments);
    const result = await this.client.answerLogRequest(request.request_id, answer, this.signal);
    if (!result.ok && !this.signal.aborted) this.log.warn({ instance_id: request.instance_id }, `log request: answer not delivered: ${result.message}`);
  }
}

/** The answer to one request: the log window, or an error when the instance is not this host's. */
async function readRequestedLog(root: string, request: LogRequest, assignments: Assignments): Promise<LogAnswer> {
  const instance = assignments.instances.find((i) => i.instance_id === request.instance_id && i.service === request.service);
  if (instance === undefined) {
    return { lines: [], next_after: 0, truncated: false, error: { code: 'instance_not_on_host', message: `instance ${request.instance_id} is not assigned to host ${assignments.host}` } };
  }
  const window = await readLogWindow(logFile(instanceDir(root, instance.service, instance.instance_id)), {
    maxLines: Math.min(Math.max(1, request.lines), MAX_LOG_LINES),
    maxBytes: Math.min(Math.max(1, request.max_bytes), MAX_LOG_BYTES),
    ...(request.after !== null ? { after: request.after } : {}),
  });
  return { lines: window.lines, next_after: window.end, truncated: window.truncated, error: null };
}
