/**
 * A service's post-deploy checks (CONTRACT §2 `verify`): each element is either one
 * independent request (`SingleVerifyCheck`, the original shape) or a smoke chain, a
 * named sequence of requests in which a later step uses what an earlier one answered
 * (`/files/{report_id}` after `POST /reports` captured `report_id`). A chain proves a
 * user's path through the new release works, not just that its pages answer (seed 000 R5).
 */

/** One independent request; without `expect_status` any 2xx passes. */
export interface SingleVerifyCheck {
  path: string;
  method?: string;
  expect_status?: number;
  body_contains?: string;
  timeout_ms?: number;
}

/** A scalar a step's `json` check compares a field of the answer with. */
export type JsonScalar = string | number | boolean | null;

/** One request of a chain and what its answer must hold. `path`, `body` and `headers` may use `{VAR}`. */
export interface SmokeStep {
  method?: string;
  path: string;
  /** A string is sent as is; any other JSON value is sent as JSON (content-type application/json). */
  body?: unknown;
  headers?: Record<string, string>;
  expect_status?: number;
  body_contains?: string;
  /** The answer's media type (parameters such as charset ignored), compared case-insensitively. */
  content_type?: string;
  min_bytes?: number;
  /** Extension: RFC 6901 pointer → the scalar the answer's JSON must hold there. */
  json?: Record<string, JsonScalar>;
  /** Extension: hex sha256 of the whole answer body (a download that must be byte-exact). */
  sha256?: string;
  /** Extension: repeat the step until its checks pass or `until_ms` passed (a job that finishes later). */
  retry?: { until_ms: number; interval_ms?: number };
  /** Variable → where its value comes from: a JSON pointer into the answer, or `header:Name`. */
  capture?: Record<string, string>;
}

export interface SmokeChain {
  name: string;
  steps: SmokeStep[];
  /** The whole chain's deadline; default DEFAULT_CHAIN_TIMEOUT_MS. */
  timeout_ms?: number;
}

/** An element of a service's `verify`. */
export type VerifyCheck = SingleVerifyCheck | SmokeChain;

export function isSmokeChain(check: VerifyCheck): check is SmokeChain {
  return 'steps' in check;
}

/** The bounds a declared chain stays within; the API schema enforces the per-field ones. */
export const SMOKE_LIMITS = {
  maxSteps: 20,
  /** Captures across the whole chain. */
  maxCaptures: 16,
  /** A JSON body, serialised. */
  maxBodyBytes: 64 * 1024,
  /** Arrays and objects inside a JSON body. */
  maxBodyDepth: 32,
  /** A captured value: a variable is an id or a token, never a document. */
  maxCaptureChars: 4096,
} as const;

export const DEFAULT_CHAIN_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_INTERVAL_MS = 100;
