/**
 * What a service's smoke chains must satisfy beyond their JSON shape, checked at the
 * service PUT (dry run too) so a chain that could never run is refused before anything
 * is written, not discovered by the first rollout: every `{VAR}` a step uses is captured
 * by an earlier step, every capture and `json` key is a valid RFC 6901 pointer or a
 * `header:` with a valid header name, chain names are unique, and the bounds hold.
 */
import type { Check } from '../result.js';
import { isJsonPointer } from './json-pointer.js';
import { isSmokeChain, SMOKE_LIMITS, type SmokeChain, type SmokeStep, type VerifyCheck } from './smoke-chain.js';
import { VARIABLE_NAME, variablesOfStep } from './step-variables.js';

/** RFC 9110 `token`: what a header name may be made of. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_CAPTURE_PREFIX = 'header:';
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/** The parsed source of a capture: a JSON pointer into the answer, or one of its headers. */
export type CaptureSource = { from: 'json'; pointer: string } | { from: 'header'; name: string };

/** A capture's source, or null when it is neither a valid pointer nor `header:` with a valid name. */
export function captureSource(text: string): CaptureSource | null {
  if (text.startsWith(HEADER_CAPTURE_PREFIX)) {
    const name = text.slice(HEADER_CAPTURE_PREFIX.length);
    return HEADER_NAME.test(name) ? { from: 'header', name } : null;
  }
  return isJsonPointer(text) ? { from: 'json', pointer: text } : null;
}

export function checkSmokeChains(verify: readonly VerifyCheck[]): Check {
  const names = new Set<string>();
  for (const chain of verify.filter(isSmokeChain)) {
    if (names.has(chain.name)) return refused(`two smoke chains are named "${chain.name}"; a failure must name one`);
    names.add(chain.name);
    const failure = chainFailure(chain);
    if (failure !== null) return refused(`smoke chain "${chain.name}" ${failure}`);
  }
  return { ok: true };
}

function refused(message: string): Check {
  return { ok: false, reason: 'bad_smoke_chain', message };
}

function chainFailure(chain: SmokeChain): string | null {
  if (chain.steps.length === 0) return 'has no steps';
  if (chain.steps.length > SMOKE_LIMITS.maxSteps) return `has ${chain.steps.length} steps; at most ${SMOKE_LIMITS.maxSteps}`;
  const captures = chain.steps.reduce((sum, step) => sum + Object.keys(step.capture ?? {}).length, 0);
  if (captures > SMOKE_LIMITS.maxCaptures) return `captures ${captures} values; at most ${SMOKE_LIMITS.maxCaptures}`;
  const captured = new Set<string>();
  for (const [index, step] of chain.steps.entries()) {
    const failure = stepFailure(step, captured);
    if (failure !== null) return `step ${index + 1} ${failure}`;
    for (const name of Object.keys(step.capture ?? {})) captured.add(name);
  }
  return null;
}

/** Why one step cannot run given the variables earlier steps capture, or null. */
function stepFailure(step: SmokeStep, captured: ReadonlySet<string>): string | null {
  // First, before anything walks the body: a value nested without end must not exhaust the stack.
  if (nestedDeeperThan(step.body, SMOKE_LIMITS.maxBodyDepth)) return `has a body nested deeper than ${SMOKE_LIMITS.maxBodyDepth} levels`;
  const missing = variablesOfStep(step).find((name) => !captured.has(name));
  if (missing !== undefined) return `uses {${missing}}, which no earlier step captures${captured.size > 0 ? ` (captured before it: ${[...captured].join(', ')})` : ''}`;
  for (const [name, source] of Object.entries(step.capture ?? {})) {
    if (!VARIABLE_NAME.test(name)) return `captures into "${name}", which is no variable name (letters, digits, _; not starting with a digit)`;
    if (captureSource(source) === null) return `captures ${name} from "${source}", which is neither a JSON pointer (e.g. /id) nor header:Name`;
  }
  const badPointer = Object.keys(step.json ?? {}).find((pointer) => !isJsonPointer(pointer));
  if (badPointer !== undefined) return `checks json "${badPointer}", which is no JSON pointer (e.g. /status)`;
  const method = step.method ?? 'GET';
  if (step.body !== undefined && BODYLESS_METHODS.has(method)) return `sends a body with ${method}; use POST, PUT or PATCH`;
  if (step.body !== undefined && Buffer.byteLength(typeof step.body === 'string' ? step.body : JSON.stringify(step.body)) > SMOKE_LIMITS.maxBodyBytes) {
    return `has a body over ${SMOKE_LIMITS.maxBodyBytes} bytes`;
  }
  const badHeader = Object.keys(step.headers ?? {}).find((name) => !HEADER_NAME.test(name));
  if (badHeader !== undefined) return `sends header "${badHeader}", which is no header name`;
  const ownHeader = Object.keys(step.headers ?? {}).find((name) => CONNECTION_HEADERS.has(name.toLowerCase()));
  if (ownHeader !== undefined) return `sends header "${ownHeader}", which the agent's HTTP client sets itself`;
  const badValue = Object.entries(step.headers ?? {}).find(([, value]) => /[\r\n\0]/.test(value));
  if (badValue !== undefined) return `sends header "${badValue[0]}" with a line break or NUL in its value`;
  return null;
}

/** Headers about the connection itself, which fetch owns and refuses to be given. */
const CONNECTION_HEADERS = new Set(['connection', 'content-length', 'expect', 'host', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Whether a JSON value nests arrays and objects deeper than `max`, walked without recursion. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: next, depth } = pending.pop()!;
    if (next === null || typeof next !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(next)) pending.push({ value: child, depth: depth + 1 });
  }
  return false;
}
