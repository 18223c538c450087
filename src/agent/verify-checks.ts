/**
 * Runs a service's `verify` against one instance over loopback, once it passed its health
 * gate and version proof (and again at the end of a rollout, when the planner sets the
 * changed instances `verifying`). A single check is one request; a smoke chain runs its
 * steps in order, feeding each the values earlier steps captured, within the chain's own
 * deadline. Every answer is read bounded in size and time; the core judges it
 * (src/core/smoke/). The first failure ends the run and names the check, so the rollout's
 * reason says which request of which chain got what.
 */
import { createHash } from 'node:crypto';
import { evaluateStep, statusFailure, type StepOutcome } from '../core/smoke/evaluate-step.js';
import { DEFAULT_CHAIN_TIMEOUT_MS, DEFAULT_RETRY_INTERVAL_MS, isSmokeChain, type SingleVerifyCheck, type SmokeChain, type SmokeStep, type VerifyCheck } from '../core/smoke/smoke-chain.js';
import { stepRequest, type StepRequest } from '../core/smoke/step-variables.js';
import { readBytesUpTo } from '../transport/read-body-up-to.js';
import { PROBE_REQUEST_TIMEOUT_MS } from './version-proof/http-proof.js';

export interface VerifyTarget {
  instanceId: string;
  port: number;
  verify: readonly VerifyCheck[];
  /** The clock a chain's deadline is measured on. */
  now: () => number;
  /** Checked between requests: true once a newer goal makes the run pointless. */
  superseded?: () => boolean;
}

export type VerifyResult = { ok: true } | { ok: false; code: 'verify_failed' | 'superseded'; message: string };

export interface VerifyLimits {
  /** The most of one answer read; a download's size and sha256 are of what was read. */
  maxBodyBytes: number;
  /** A single check's deadline when it names none: the probes' own. */
  requestTimeoutMs: number;
}

export const VERIFY_LIMITS: VerifyLimits = { maxBodyBytes: 8 * 1024 * 1024, requestTimeoutMs: PROBE_REQUEST_TIMEOUT_MS };
/** One step of a chain may take longer than a single check (a report generated on request), never past the chain's deadline. */
const STEP_REQUEST_TIMEOUT_MS = 10_000;
/** A failure quotes the request's path, cut to this: a long query must not flood the reason. */
const MAX_QUOTED_PATH = 200;

/** Every check in order; the first that fails is the result, or `superseded` once a newer goal arrived. */
export async function runVerifyChecks(target: VerifyTarget, limits: VerifyLimits = VERIFY_LIMITS): Promise<VerifyResult> {
  for (const check of target.verify) {
    const failure = isSmokeChain(check) ? await chainFailure(target, check, limits) : await singleCheckFailure(target.port, check, limits);
    if (target.superseded?.()) return supersededResult(target);
    if (failure === null) continue;
    const what = isSmokeChain(check) ? `smoke chain "${check.name}"` : `check ${check.method ?? 'GET'} ${check.path}`;
    return { ok: false, code: 'verify_failed', message: `instance ${target.instanceId} failed ${what}: ${failure}` };
  }
  return { ok: true };
}

function supersededResult(target: VerifyTarget): VerifyResult {
  return { ok: false, code: 'superseded', message: `a newer goal for instance ${target.instanceId} arrived while verifying` };
}

/** Why a single check failed, or null when it passed. Without `expect_status`, any 2xx passes. */
async function singleCheckFailure(port: number, check: SingleVerifyCheck, limits: VerifyLimits): Promise<string | null> {
  const timeoutMs = check.timeout_ms ?? limits.requestTimeoutMs;
  const request: StepRequest = { method: check.method ?? 'GET', path: check.path, headers: {}, body: undefined };
  const step: SmokeStep = { path: check.path, ...(check.expect_status !== undefined ? { expect_status: check.expect_status } : {}), ...(check.body_contains !== undefined ? { body_contains: check.body_contains } : {}) };
  const outcome = await attempt(port, request, step, timeoutMs, limits.maxBodyBytes);
  return outcome.ok ? null : outcome.failure;
}

/** Why a chain failed (`step N METHOD path` and what it got), or null when every step passed. */
async function chainFailure(target: VerifyTarget, chain: SmokeChain, limits: VerifyLimits): Promise<string | null> {
  const timeoutMs = chain.timeout_ms ?? DEFAULT_CHAIN_TIMEOUT_MS;
  const deadline = target.now() + timeoutMs;
  const values: Record<string, string> = {};
  for (const [index, step] of chain.steps.entries()) {
    // A newer goal ends the chain; the caller sees `superseded` rather than this null.
    if (target.superseded?.()) return null;
    const request = stepRequest(step, values);
    const outcome = await runStep(target, step, request, { deadline, timeoutMs }, limits);
    if (!outcome.ok) return `step ${index + 1} ${request.method} ${quotedPath(request.path)} ${outcome.failure}`;
    Object.assign(values, outcome.captures);
  }
  return null;
}

/** One step, repeated while it fails when it declares `retry`, never past the chain's deadline. */
async function runStep(target: VerifyTarget, step: SmokeStep, request: StepRequest, chain: { deadline: number; timeoutMs: number }, limits: VerifyLimits): Promise<StepOutcome> {
  const started = target.now();
  const retryUntil = step.retry ? Math.min(chain.deadline, started + step.retry.until_ms) : started;
  const interval = step.retry?.interval_ms ?? DEFAULT_RETRY_INTERVAL_MS;
  for (let tries = 1; ; tries += 1) {
    const remaining = chain.deadline - target.now();
    if (remaining <= 0) return { ok: false, failure: `got no answer before the chain's deadline of ${chain.timeoutMs} ms` };
    // AbortSignal.timeout takes whole milliseconds.
    const outcome = await attempt(target.port, request, step, Math.ceil(Math.min(remaining, STEP_REQUEST_TIMEOUT_MS)), limits.maxBodyBytes);
    if (outcome.ok) return outcome;
    if (target.now() + interval >= retryUntil || target.superseded?.()) {
      return tries === 1 ? outcome : { ok: false, failure: `${outcome.failure} (still, after ${tries} tries in ${Math.round(target.now() - started)} ms)` };
    }
    await sleep(interval);
  }
}

/** Sends one request and judges its answer; an answer that never came is a failure too. */
async function attempt(port: number, request: StepRequest, step: SmokeStep, timeoutMs: number, maxBodyBytes: number): Promise<StepOutcome> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      // A step sees a redirect itself (and may capture its Location) instead of following it off the instance.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The status decides before the body is read: a wrong status needs no 8 MiB download.
    const status = statusFailure(res.status, step.expect_status);
    if (status !== null) {
      await res.body?.cancel();
      return { ok: false, failure: status };
    }
    const { bytes, cut } = await readBytesUpTo(res, maxBodyBytes);
    const headers = Object.fromEntries(res.headers.entries());
    return evaluateStep(step, { status: res.status, headers, body: bytes, sha256: createHash('sha256').update(bytes).digest('hex'), cutAt: cut ? maxBodyBytes : null });
  } catch (err) {
    return { ok: false, failure: noAnswer(err, timeoutMs) };
  }
}

function noAnswer(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return `got no answer within ${timeoutMs} ms`;
  return `got no answer (${error.cause?.code ?? error.cause?.message ?? error.message})`;
}

function quotedPath(path: string): string {
  return path.length > MAX_QUOTED_PATH ? `${path.slice(0, MAX_QUOTED_PATH)}…` : path;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
