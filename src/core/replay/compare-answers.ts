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
}

export const DEFAULT_COMPARE = ['status', 'body'];
const DEFAULT_KEPT = 1000;

/**
 * Judges the candidate. `stable[0]` and `stable[1]` are the two stable answer lists,
 * index-aligned with `candidate`; with `stable[1]` absent there is no noise filtering.
 *
 *   stable A {"n":1,"t":"a"}, stable B {"n":1,"t":"b"}, candidate {"n":2,"t":"c"}
 *     -> one difference (body:/n, expected 1, actual 2); body:/t is noise
 */
export function compareAnswers(candidate: ReplayAnswer[], stable: [ReplayAnswer[], ReplayAnswer[]?], opts: CompareOptions = {}): ReplayVerdict {
  const fields = opts.compare ?? DEFAULT_COMPARE;
  const ignore = opts.ignore ?? [];
  const kept = opts.maxDifferencesKept ?? DEFAULT_KEPT;
  const [first, second] = stable;
  const differences: ReplayDifference[] = [];
  const noise = new Set<string>();
  let differenceCount = 0;
  let differing = 0;
  for (let i = 0; i < candidate.length; i += 1) {
    const found = compareOne(candidate[i]!, first[i]!, second?.[i], fields, ignore, noise);
    if (found.length === 0) continue;
    differing += 1;
    differenceCount += found.length;
    for (const d of found) if (differences.length < kept) differences.push({ request: i, ...d });
  }
  const ratio = candidate.length === 0 ? 0 : differing / candidate.length;
  return {
    passed: ratio <= (opts.max_diff_ratio ?? 0),
    requests: candidate.length,
    differing_requests: differing,
    difference_count: differenceCount,
    differences,
    noise_filtered: noise.size,
    noise_fields: [...noise].sort(),
    noise_filtering: second !== undefined,
  };
}

type FieldDifference = Omit<ReplayDifference, 'request'>;

function compareOne(candidate: ReplayAnswer, a: ReplayAnswer, b: ReplayAnswer | undefined, fields: string[], ignore: string[], noise: Set<string>): FieldDifference[] {
  const out: FieldDifference[] = [];
  const judge = (field: string, expected: unknown, other: unknown, actual: unknown, hasOther: boolean): void => {
    if (hasOther && !sameValue(expected, other)) {
      noise.add(field);
      return;
    }
    if (!sameValue(expected, actual)) out.push({ field, ...(expected === undefined ? {} : { expected }), ...(actual === undefined ? {} : { actual }) });
  };
  for (const field of fields) {
    if (field === 'status') judge('status', a.status, b?.status, candidate.status, b !== undefined);
    else if (field.startsWith('headers:')) {
      const name = field.slice('headers:'.length).toLowerCase();
      judge(`headers:${name}`, a.headers[name], b?.headers[name], candidate.headers[name], b !== undefined);
    } else if (field === 'body') compareBodies(candidate.body, a.body, b?.body, ignore, judge);
  }
  return out;
}

type Judge = (field: string, expected: unknown, other: unknown, actual: unknown, hasOther: boolean) => void;

/** JSON bodies leaf by leaf when all of them parse as JSON; otherwise the whole text. */
function compareBodies(candidate: string, a: string, b: string | undefined, ignore: string[], judge: Judge): void {
  const parsed = [a, candidate, ...(b === undefined ? [] : [b])].map(parseJson);
  if (parsed.some((p) => p === NOT_JSON)) {
    judge('body', a, b, candidate, b !== undefined);
    return;
  }
  const [leavesA, leavesC, leavesB] = parsed.map((p) => flattenJson(p));
  const pointers = new Set([...leavesA!.keys(), ...leavesC!.keys(), ...(leavesB ? leavesB.keys() : [])]);
  for (const pointer of [...pointers].sort()) {
    if (isIgnored(pointer, ignore)) continue;
    judge(`body:${pointer}`, leavesA!.get(pointer), leavesB?.get(pointer), leavesC!.get(pointer), leavesB !== undefined);
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
