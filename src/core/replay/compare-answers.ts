/**
 * The replay verdict as a pure function (CONTRACT §4 "Staging replay", after Twitter's
 * Diffy): every request was answered by the candidate and by up to two instances of the
 * desired version ("stable"). A field counts as a difference only where the two stable
 * answers agree with each other and the candidate's differs; a field where the stable
 * answers disagree (a timestamp, a random id) is noise: counted, never a difference.
 *
 * Fields are `status`, `headers:<name>` (names lower-case) and the body: a JSON body is
 * compared leaf by leaf by JSON pointer (`body:/items/0`), anything else as one text
 * (`body`). `ignore` pointers (and everything under them) are skipped.
 *
 * A stable answer that is a transport failure (status 0: a timeout, a reset) says nothing
 * about the release: no noise is learnt from that request (else one reset on stable B
 * would make `status` and `body` noise for the whole endpoint and hide the candidate's
 * failures), the candidate is compared with the other stable answer when that one came,
 * and the request is skipped when neither did. When more than `STABLE_UNRELIABLE_RATIO`
 * of the requests had a failed stable answer the run fails (`stable_unreliable`).
 */
import { flattenJson, isIgnored } from './json-leaves.js';

/** One answer as the replay saw it; a request that got no answer has status 0 and the error as its body. */
export interface ReplayAnswer {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface ReplayDifference {
  /** Index of the request in the replay (0-based). */
  request: number;
  /** The request's method and path, so a person finds it without counting lines (`nameDifferences`). */
  method?: string;
  path?: string;
  field: string;
  /** The stable answer's value; absent when the stable answer has no such field. */
  expected?: unknown;
  /** The candidate's value; absent when the candidate has no such field. */
  actual?: unknown;
}

export interface CompareOptions {
  /** `status`, `body`, `headers:<name>`; default status and body. */
  compare?: string[];
  ignore?: string[];
  /** Share of requests that may differ and still pass; default 0. */
  max_diff_ratio?: number;
  /** Noise keys known beforehand (a stored baseline's `noise_fields`), filtered like learnt ones. */
  noise?: string[];
  /** Most differences kept in the verdict; the count is always exact. */
  maxDifferencesKept?: number;
}

export interface ReplayVerdict {
  passed: boolean;
  requests: number;
  /** Requests with at least one difference. */
  differing_requests: number;
  difference_count: number;
  differences: ReplayDifference[];
  /** Distinct fields where the two stable answers disagreed (so they were never differences). */
  noise_filtered: number;
  noise_fields: string[];
  /** False when only one stable answer per request was there: nothing could be filtered as noise. */
  noise_filtering: boolean;
  /** Requests where a stable answer was a transport failure (absent: none counted). */
  stable_failures?: number;
  /** True when too many stable answers failed to judge the candidate: the run fails with `stable_unreliable`. */
  stable_unreliable?: boolean;
}

export const DEFAULT_COMPARE = ['status', 'body'];
/** Most differences a verdict keeps (every verdict: compared, no-baseline, after a rollback); the count is always exact. */
export const DEFAULT_DIFFERENCES_KEPT = 1000;
/** More than this share of requests with a failed stable answer and the stable side is not fit to judge. */
export const STABLE_UNRELIABLE_RATIO = 0.1;

/** A request that got no answer (the sender's status 0). */
export function isTransportFailure(answer: ReplayAnswer | undefined): boolean {
  return answer === undefined || answer.status === 0;
}

/**
 * Judges the candidate. `stable[0]` and `stable[1]` are the two stable answer lists,
 * index-aligned with `candidate`; with `stable[1]` absent there is no noise filtering.
 * `endpoints` (index-aligned, see `endpointOf`) scopes noise: a field noisy in one request
 * of an endpoint is noise in all of them; without it noise is scoped to the whole replay.
 *
 *   stable A {"n":1,"t":"a"}, stable B {"n":1,"t":"b"}, candidate {"n":2,"t":"c"}
 *     -> one difference (body:/n, expected 1, actual 2); body:/t is noise
 */
export function compareAnswers(candidate: ReplayAnswer[], stable: [ReplayAnswer[], ReplayAnswer[]?], opts: CompareOptions = {}, endpoints?: string[]): ReplayVerdict {
  const fields = opts.compare ?? DEFAULT_COMPARE;
  const ignore = opts.ignore ?? [];
  const kept = opts.maxDifferencesKept ?? DEFAULT_DIFFERENCES_KEPT;
  const [first, second] = stable;
  const endpointOf = (i: number): string => endpoints?.[i] ?? '';
  // Pass 1: a field the stable answers disagree on in any request of an endpoint is noise for the whole endpoint,
  // so a timestamp that two stable answers happened to share within one millisecond is still noise.
  // Never from a request where a stable answer is a transport failure: that says nothing about the fields.
  const noise = new Set<string>(opts.noise ?? []);
  let stableFailures = 0;
  for (let i = 0; i < candidate.length; i += 1) {
    const failed = isTransportFailure(first[i]) || (second !== undefined && isTransportFailure(second[i]));
    if (failed) stableFailures += 1;
    else if (second !== undefined) for (const d of fieldDifferences(second[i]!, first[i]!, fields, ignore)) noise.add(noiseKey(endpointOf(i), d.field));
  }
  // Pass 2: differences of the candidate from a stable answer that came, less the noise.
  const differences: ReplayDifference[] = [];
  let differenceCount = 0;
  let differing = 0;
  for (let i = 0; i < candidate.length; i += 1) {
    const reference = [first[i], second?.[i]].find((a) => !isTransportFailure(a));
    if (reference === undefined) continue;
    const found = fieldDifferences(candidate[i]!, reference, fields, ignore).filter((d) => !noise.has(noiseKey(endpointOf(i), d.field)));
    if (found.length === 0) continue;
    differing += 1;
    differenceCount += found.length;
    for (const d of found) if (differences.length < kept) differences.push({ request: i, ...d });
  }
  const ratio = candidate.length === 0 ? 0 : differing / candidate.length;
  const unreliable = candidate.length > 0 && stableFailures / candidate.length > STABLE_UNRELIABLE_RATIO;
  return {
    passed: !unreliable && ratio <= (opts.max_diff_ratio ?? 0),
    requests: candidate.length,
    differing_requests: differing,
    difference_count: differenceCount,
    differences,
    noise_filtered: noise.size,
    noise_fields: [...noise].sort(),
    noise_filtering: second !== undefined || (opts.noise?.length ?? 0) > 0,
    stable_failures: stableFailures,
    stable_unreliable: unreliable,
  };
}

/** Each difference with its request's method and path (index-aligned `requests`). */
export function nameDifferences<D extends ReplayDifference>(differences: D[], requests: ReadonlyArray<{ method: string; path: string }>): D[] {
  return differences.map((d) => {
    const request = requests[d.request];
    return request === undefined ? d : { ...d, method: request.method, path: request.path };
  });
}

/** `GET /api/items` + `body:/served_at` -> "GET /api/items body:/served_at"; without endpoints just the field. */
function noiseKey(endpoint: string, field: string): string {
  return endpoint === '' ? field : `${endpoint} ${field}`;
}

/** The endpoint of a recorded request for noise: method and path without the query. */
export function endpointOf(request: { method: string; path: string }): string {
  return `${request.method} ${request.path.split('?')[0]}`;
}

type FieldDifference = Omit<ReplayDifference, 'request'>;

/** Where `actual` differs from `expected` on the compared fields. */
function fieldDifferences(actual: ReplayAnswer, expected: ReplayAnswer, fields: string[], ignore: string[]): FieldDifference[] {
  const out: FieldDifference[] = [];
  const judge: Judge = (field, e, a) => {
    if (!sameValue(e, a)) out.push({ field, ...(e === undefined ? {} : { expected: e }), ...(a === undefined ? {} : { actual: a }) });
  };
  for (const field of fields) {
    if (field === 'status') judge('status', expected.status, actual.status);
    else if (field.startsWith('headers:')) {
      const name = field.slice('headers:'.length).toLowerCase();
      judge(`headers:${name}`, expected.headers[name], actual.headers[name]);
    } else if (field === 'body') compareBodies(actual.body, expected.body, ignore, judge);
  }
  return out;
}

type Judge = (field: string, expected: unknown, actual: unknown) => void;

/** JSON bodies leaf by leaf when both parse as JSON; otherwise the whole text. */
function compareBodies(actual: string, expected: string, ignore: string[], judge: Judge): void {
  const [e, a] = [parseJson(expected), parseJson(actual)];
  if (e === NOT_JSON || a === NOT_JSON) {
    judge('body', expected, actual);
    return;
  }
  const [leavesE, leavesA] = [flattenJson(e), flattenJson(a)];
  for (const pointer of [...new Set([...leavesE.keys(), ...leavesA.keys()])].sort()) {
    if (!isIgnored(pointer, ignore)) judge(`body:${pointer}`, leavesE.get(pointer), leavesA.get(pointer));
  }
}

const NOT_JSON = Symbol('not json');

function parseJson(text: string): unknown {
  if (text.trim() === '') return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Leaves are primitives, or empty arrays/objects, so strict equality of their JSON is enough. */
function sameValue(x: unknown, y: unknown): boolean {
  if (x === undefined || y === undefined) return x === y;
  return x === y || JSON.stringify(x) === JSON.stringify(y);
}
