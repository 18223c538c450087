/**
 * Sends every recorded request to each target (the staging candidate and the stable
 * instances) with bounded concurrency, a per-request timeout and a cap on each answer's
 * size. A request that gets no answer is recorded as status 0 with the error as its body,
 * so the comparison treats it like any other answer (core/replay/compare-answers.ts).
 */
import { readBodyUpTo } from '../../../transport/read-body-up-to.js';
import type { ReplayAnswer } from '../../../core/replay/compare-answers.js';
import type { ReplayRequest } from '../../../core/types.js';

export interface SendLimits {
  /** Requests in flight at once, over all targets. */
  concurrency: number;
  timeoutMs: number;
  /** An answer body past this many bytes is cut there and marked. */
  maxAnswerBytes: number;
}

export const DEFAULT_SEND_LIMITS: SendLimits = { concurrency: 16, timeoutMs: 5000, maxAnswerBytes: 256 * 1024 };

/** Headers that say how one connection carried an answer, not what the answer was. */
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** Answers per target, each index-aligned with `requests`. */
export async function sendToAll(requests: ReplayRequest[], baseUrls: string[], limits: SendLimits = DEFAULT_SEND_LIMITS, signal?: AbortSignal): Promise<ReplayAnswer[][]> {
  const answers = baseUrls.map(() => new Array<ReplayAnswer>(requests.length));
  const jobs: Array<[number, number]> = [];
  // Request by request, each to every target, so the targets see the same order and timing.
  for (let r = 0; r < requests.length; r += 1) for (let t = 0; t < baseUrls.length; t += 1) jobs.push([t, r]);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const [t, r] = jobs[next]!;
      next += 1;
      answers[t]![r] = await sendOne(baseUrls[t]!, requests[r]!, limits);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limits.concurrency, jobs.length)) }, worker));
  return answers;
}

async function sendOne(baseUrl: string, request: ReplayRequest, limits: SendLimits): Promise<ReplayAnswer> {
  const body = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (body !== undefined && typeof request.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${baseUrl}${request.path}`, { method: request.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(limits.timeoutMs), redirect: 'manual' });
    return { status: res.status, headers: answerHeaders(res.headers), body: await readCapped(res, limits.maxAnswerBytes) };
  } catch (err) {
    const e = err as Error;
    return { status: 0, headers: {}, body: `error: ${e.name === 'TimeoutError' ? `no answer within ${limits.timeoutMs} ms` : e.message}` };
  }
}

function answerHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name)) out[name] = value;
  });
  return out;
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const { text, cut } = await readBodyUpTo(res, maxBytes);
  return cut ? `${text}…[cut at ${maxBytes} bytes]` : text;
}
