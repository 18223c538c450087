/**
 * A client of Prometheus's HTTP query API (instant `/api/v1/query` and range
 * `/api/v1/query_range`), for analysis and rollback triggers. Answers are bounded in
 * size and time. A result that is not a number (NaN, ±Inf) is kept as NaN: callers judge
 * it inconclusive, never a success.
 */
import { readBodyUpTo } from '../../transport/read-body-up-to.js';

export const MAX_PROMETHEUS_ANSWER_BYTES = 4 * 1024 * 1024;

export interface PrometheusOptions {
  timeoutMs: number;
}

/** One series of a result: its labels and its samples as [epoch ms, value]. An instant result has one sample. */
export interface PrometheusSeries {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

export interface RangeWindow {
  start: number;
  end: number;
  stepS: number;
}

/** The query's value now (or `at`, epoch ms): one series per vector element, or one unlabelled for a scalar. */
export function queryInstant(address: string, query: string, options: PrometheusOptions & { at?: number }): Promise<PrometheusSeries[]> {
  const params = new URLSearchParams({ query });
  if (options.at !== undefined) params.set('time', String(options.at / 1000));
  return ask(address, 'query', params, options);
}

/** The query evaluated over a window at every `stepS`. */
export function queryRange(address: string, query: string, window: RangeWindow, options: PrometheusOptions): Promise<PrometheusSeries[]> {
  const params = new URLSearchParams({ query, start: String(window.start / 1000), end: String(window.end / 1000), step: String(window.stepS) });
  return ask(address, 'query_range', params, options);
}

async function ask(address: string, endpoint: 'query' | 'query_range', params: URLSearchParams, options: PrometheusOptions): Promise<PrometheusSeries[]> {
  const { base, authorization } = splitCredentials(address);
  const url = `${base.replace(/\/+$/, '')}/api/v1/${endpoint}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body: params.toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const e = err as Error;
    throw new Error(`Prometheus at ${displayAddress(address)} did not answer: ${e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : withoutAddress(e.message, address)}`);
  }
  const { text, cut } = await readBodyUpTo(res, MAX_PROMETHEUS_ANSWER_BYTES);
  if (cut) throw new Error(`Prometheus answer larger than ${MAX_PROMETHEUS_ANSWER_BYTES} bytes`);
  let body: PrometheusAnswer;
  try {
    body = JSON.parse(text) as PrometheusAnswer;
  } catch {
    throw new Error(`Prometheus answered ${res.status} with a body that is not JSON`);
  }
  if (body.status !== 'success' || body.data === undefined) throw new Error(`Prometheus refused the query: ${body.errorType ?? res.status}: ${body.error ?? 'no reason given'}`);
  return seriesOf(body.data);
}

interface PrometheusAnswer {
  status: string;
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
}

type RawSample = [number, string];

function seriesOf(data: NonNullable<PrometheusAnswer['data']>): PrometheusSeries[] {
  const sample = ([t, v]: RawSample): [number, number] => [Math.round(t * 1000), Number(v)];
  switch (data.resultType) {
    case 'scalar':
      return [{ labels: {}, samples: [sample(data.result as RawSample)] }];
    case 'vector':
      return (data.result as Array<{ metric: Record<string, string>; value: RawSample }>).map((r) => ({ labels: r.metric, samples: [sample(r.value)] }));
    case 'matrix':
      return (data.result as Array<{ metric: Record<string, string>; values: RawSample[] }>).map((r) => ({ labels: r.metric, samples: r.values.map(sample) }));
    default:
      throw new Error(`Prometheus answered a ${data.resultType} result; analysis needs a scalar, vector or matrix`);
  }
}

/**
 * Credentials in the address (`https://user:secret@prom…`) go in an Authorization header:
 * fetch refuses a URL that carries them, and its error would quote the whole URL.
 */
function splitCredentials(address: string): { base: string; authorization: string | null } {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { base: address, authorization: null };
  }
  if (url.username === '' && url.password === '') return { base: address, authorization: null };
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { base: url.toString(), authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** `message` with any spelling of `address` replaced by its display form, so no credential is quoted. */
function withoutAddress(message: string, address: string): string {
  return message.split(address.replace(/\/+$/, '')).join(displayAddress(address));
}

/** The address without credentials, for messages. */
export function displayAddress(address: string): string {
  try {
    const url = new URL(address);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable address)';
  }
}
