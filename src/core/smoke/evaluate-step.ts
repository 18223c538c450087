/**
 * Judges one smoke step's answer: its checks in a fixed order (status, content type,
 * size, the body as read, text, sha256, JSON fields), then its captures. Pure: the agent
 * reads the answer (bounded) and hashes it; this decides. A failure is one phrase that
 * says what the step got and what it expected, so the rollout's reason can name it, e.g.
 * "got status 404, expected 200" or "got a body of 212 bytes, expected at least 1024".
 */
import { resolvePointer } from './json-pointer.js';
import { captureSource } from './check-smoke-chains.js';
import { SMOKE_LIMITS, type JsonScalar, type SmokeStep } from './smoke-chain.js';

/** An answer as the agent read it. Header names are lower case. */
export interface StepResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
  /** Hex sha256 of `body`. */
  sha256: string;
  /** The read limit, when the body went on past it and was cut there. */
  cutAt: number | null;
}

export type StepOutcome = { ok: true; captures: Record<string, string> } | { ok: false; failure: string };

export function evaluateStep(step: SmokeStep, response: StepResponse): StepOutcome {
  // The body is parsed at most once, for the JSON checks and the captures alike (it may be megabytes).
  let parsed: ParsedBody | undefined;
  const document = () => (parsed ??= parsedBody(response));
  const failure = checkFailure(step, response, document);
  return failure !== null ? { ok: false, failure } : captureValues(step, response, document);
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; failure: string };

/** The media type without parameters, lower case: `text/html; charset=utf-8` → `text/html`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** Without `expect_status`, any 2xx passes. */
export function statusFailure(status: number, expected: number | undefined): string | null {
  const ok = expected !== undefined ? status === expected : status >= 200 && status < 300;
  return ok ? null : `got status ${status}, expected ${expected ?? '2xx'}`;
}

function checkFailure(step: SmokeStep, response: StepResponse, document: () => ParsedBody): string | null {
  const status = statusFailure(response.status, step.expect_status);
  if (status !== null) return status;
  if (step.content_type !== undefined) {
    const got = response.headers['content-type'];
    if (got === undefined) return `got no content-type, expected ${step.content_type}`;
    if (mediaType(got) !== mediaType(step.content_type)) return `got content-type ${mediaType(got)}, expected ${mediaType(step.content_type)}`;
  }
  if (step.min_bytes !== undefined && response.body.byteLength < step.min_bytes) {
    return `got a body of ${response.body.byteLength} bytes, expected at least ${step.min_bytes}`;
  }
  if (response.cutAt !== null) return `got a body longer than the ${response.cutAt} bytes a step reads`;
  if (step.body_contains !== undefined && !bodyText(response).includes(step.body_contains)) {
    return `got a body (${response.body.byteLength} bytes) without ${JSON.stringify(step.body_contains)}`;
  }
  if (step.sha256 !== undefined && response.sha256 !== step.sha256.toLowerCase()) {
    return `got a body with sha256 ${response.sha256.slice(0, 12)}…, expected ${step.sha256.toLowerCase().slice(0, 12)}…`;
  }
  return jsonFailure(step.json, document);
}

function jsonFailure(expected: Record<string, JsonScalar> | undefined, document: () => ParsedBody): string | null {
  const entries = Object.entries(expected ?? {});
  if (entries.length === 0) return null;
  const parsed = document();
  if (!parsed.ok) return parsed.failure;
  for (const [pointer, want] of entries) {
    const found = resolvePointer(parsed.value, pointer);
    if (!found.found) return `got JSON without ${pointer}, expected ${JSON.stringify(want)}`;
    if (found.value !== want) return `got JSON ${pointer} = ${shortJson(found.value)}, expected ${JSON.stringify(want)}`;
  }
  return null;
}

function captureValues(step: SmokeStep, response: StepResponse, document: () => ParsedBody): StepOutcome {
  const captures: Record<string, string> = {};
  for (const [name, text] of Object.entries(step.capture ?? {})) {
    const source = captureSource(text);
    let value: string;
    if (source === null) return { ok: false, failure: `could not capture ${name}: "${text}" is neither a JSON pointer nor header:Name` };
    if (source.from === 'header') {
      const header = response.headers[source.name.toLowerCase()];
      if (header === undefined) return { ok: false, failure: `could not capture ${name}: the answer has no header ${source.name}` };
      value = header;
    } else {
      const parsed = document();
      if (!parsed.ok) return { ok: false, failure: `could not capture ${name}: ${parsed.failure}` };
      const found = resolvePointer(parsed.value, source.pointer);
      if (!found.found) return { ok: false, failure: `could not capture ${name}: the JSON answer has no ${source.pointer}` };
      if (typeof found.value !== 'string' && typeof found.value !== 'number' && typeof found.value !== 'boolean') {
        return { ok: false, failure: `could not capture ${name}: ${source.pointer} is ${shortJson(found.value)}, not a string or number` };
      }
      value = String(found.value);
    }
    if (value.length > SMOKE_LIMITS.maxCaptureChars) return { ok: false, failure: `could not capture ${name}: its value is over ${SMOKE_LIMITS.maxCaptureChars} characters` };
    captures[name] = value;
  }
  return { ok: true, captures };
}

function bodyText(response: StepResponse): string {
  return new TextDecoder().decode(response.body);
}

function parsedBody(response: StepResponse): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(bodyText(response)) };
  } catch {
    return { ok: false, failure: `got a body that is not JSON (${response.body.byteLength} bytes, content-type ${response.headers['content-type'] ?? 'none'})` };
  }
}

/** A value as JSON, cut to 60 characters: a failure names what it got without quoting a document. */
function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
