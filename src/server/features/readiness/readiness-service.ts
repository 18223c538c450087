/**
 * Evidence and readiness of one release (CONTRACT §4): record a caller's evidence,
 * evaluate admission and keep the newest evaluation, and read both back. Everything is
 * checked before the transaction opens, so a refused request leaves nothing behind.
 */
import { InputError, NotFoundError } from '../../../core/errors.js';
import { evaluateAdmission, inCheckOrder } from '../../../core/readiness/admission.js';
import { BUILTIN_CHECKS, type Evidence } from '../../../core/readiness/evidence.js';
import { checkEvidenceInput, DEFAULT_EVIDENCE_SOURCE, type EvidenceInput } from '../../../core/readiness/evidence-input.js';
import type { ReadinessEvaluation } from '../../../core/readiness/readiness-evaluation.js';
import { checkedName } from '../../../core/names.js';
import type { Release, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { callerEventIds, type Caller } from '../shared/caller.js';
import { requireRelease } from '../releases/release-service.js';
import { appendEvidenceRecorded } from './append-evidence.js';

/** `POST …/evidence`: appends the caller's record (source `ci` unless named) and audits it. */
export async function recordCallerEvidence(ctx: ServerContext, service: string, version: string, input: EvidenceInput, caller: Caller): Promise<Evidence> {
  checkedReleaseNames(service, version);
  const check = checkEvidenceInput(input);
  if (!check.ok) throw new InputError(check.reason, check.message);
  return transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    await requireRelease(tx, service, version);
    const draft = {
      service,
      version,
      check: input.check,
      passed: input.passed,
      summary: input.summary ?? null,
      url: input.url ?? null,
      details: input.details ?? null,
      source: input.source ?? DEFAULT_EVIDENCE_SOURCE,
      actor: caller.actor,
      correlation_id: caller.correlationId,
      recorded_at: ctx.now(),
    };
    return appendEvidenceRecorded(tx, draft, { ...callerEventIds(caller), deploy_id: null });
  });
}

/** `POST …/readiness/evaluate`: judges the release's evidence now, stores the verdict as its newest, audits `readiness_evaluated`. */
export async function evaluateReadiness(ctx: ServerContext, service: string, version: string, caller: Caller): Promise<ReadinessEvaluation> {
  checkedReleaseNames(service, version);
  return transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    await requireRelease(tx, service, version);
    const evaluation = await judgeRelease(tx, await tx.getService(service), service, version, ctx.now(), caller);
    await tx.putReadinessEvaluation(evaluation);
    await recordEvent(tx, {
      at: evaluation.evaluated_at,
      type: 'readiness_evaluated',
      service: evaluation.service,
      version: evaluation.version,
      instance_id: null,
      deploy_id: null,
      actor: caller.actor,
      correlation_id: caller.correlationId,
      ...callerEventIds(caller),
      details: { admitted: evaluation.admitted, failed_checks: evaluation.failed_checks, missing_checks: evaluation.missing_checks, replay_passed: evaluation.replay_passed },
    });
    return evaluation;
  });
}

/**
 * The admission verdict of `version` from the evidence in `store` at `now`, against the
 * service's readiness spec (the defaults when the service is not declared). Writes nothing:
 * the gate and `ferry preflight` ask it too.
 */
export async function judgeRelease(store: Store, spec: Service | undefined, service: string, version: string, now: number, caller: Caller): Promise<ReadinessEvaluation> {
  const readiness = spec?.readiness ?? null;
  const required = inCheckOrder([...new Set(readiness?.required ?? BUILTIN_CHECKS)]);
  const evidence = await store.listEvidence(service, version);
  const admission = evaluateAdmission({ evidence, required, maxAgeS: readiness?.max_age_s ?? null, now });
  return { service, version, ...admission, required, evaluated_at: now, actor: caller.actor, correlation_id: caller.correlationId };
}

/** `GET …/readiness`: the newest stored evaluation (404 `readiness_not_evaluated` when there is none). */
export async function lastReadiness(ctx: ServerContext, service: string, version: string): Promise<ReadinessEvaluation> {
  checkedReleaseNames(service, version);
  await requireRelease(ctx.store, service, version);
  const evaluation = await ctx.store.getReadinessEvaluation(service, version);
  if (evaluation === undefined) {
    throw new NotFoundError('readiness_not_evaluated', `release ${service} ${version} has not been evaluated yet; POST /api/v1/releases/${service}/${version}/readiness/evaluate (ferry readiness ${service} ${version})`, { service, version });
  }
  return evaluation;
}

/** `GET /releases/{s}/{v}`: the release, every evidence record oldest first, and the newest evaluation or null. */
export async function releaseWithEvidence(ctx: ServerContext, service: string, version: string): Promise<{ release: Release; evidence: Evidence[]; readiness: ReadinessEvaluation | null }> {
  checkedReleaseNames(service, version);
  const release = await requireRelease(ctx.store, service, version);
  const [evidence, readiness] = await Promise.all([ctx.store.listEvidence(service, version), ctx.store.getReadinessEvaluation(service, version)]);
  return { release, evidence, readiness: readiness ?? null };
}

function checkedReleaseNames(service: string, version: string): void {
  checkedName(service, 'service');
  checkedName(version, 'version');
}
