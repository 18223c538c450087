/**
 * One replay run, start to verdict: wait (bounded) for the agent to report the staging
 * instance ready, send every request to it and to two ready desired-version instances,
 * compare (core/replay), and finish. A run recorded without a baseline version (a first
 * release, core/replay/replay-plan.ts) sends to the staging instance alone and is judged
 * by core/replay/no-baseline-verdict.ts. Finishing is one transaction: the verdict stored,
 * the staging entry withdrawn (so the agent stops the process), `replay` evidence
 * appended (with its `evidence_recorded` event), the holds this replay owns lifted or
 * kept failed, and a `replay_completed` audit event. Whatever goes wrong ends the run
 * `failed` with a reason; a run never ends with its staging entry still wanted. When even
 * finishing fails (the database is down), the error is logged and the run stays
 * `running`: the worker's next turn carries it to its verdict again.
 */
import { keepAnswers, MAX_KEPT_ANSWER_BYTES } from '../../../core/replay/answers-kept.js';
import { compareAnswers, endpointOf, nameDifferences, type ReplayAnswer, type ReplayVerdict } from '../../../core/replay/compare-answers.js';
import { FERRY_SOURCE } from '../../../core/readiness/evidence.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import { judgeWithoutBaseline } from '../../../core/replay/no-baseline-verdict.js';
import { isNoBaselineReplay, keepsAnswersAsBaseline } from '../../../core/replay/replay-plan.js';
import type { Replay, ReplayStaging } from '../../../core/replay/replay-record.js';
import { REPLAY_ACTOR } from '../../../core/replay/rollback-hold.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { appendEvidenceRecorded } from '../readiness/append-evidence.js';
import type { ServerContext } from '../../server-context.js';
import { presentReplay, replaySummary } from './replay-presenter.js';
import type { ReplayConfig } from './replay-config.js';
import { readReplayRequests } from './replay-requests-source.js';
import { sendToAll } from './replay-sender.js';
import { hostForUrl, readyInstancesOn } from './stable-instances.js';
import { judgeReturnedInstances } from './judge-returned-instances.js';
import { replayEnvelope } from './replay-envelope.js';

const STAGING_POLL_MS = 100;
export { REPLAY_ACTOR };

type Failure = { code: string; message: string };
/** How long each phase took, for the audit event (and the benchmark). */
interface Timings {
  staging_ready_ms: number | null;
  compare_ms: number | null;
}

/** Never rejects: a run that cannot even be finished is logged and left `running` for the next turn. */
export async function runReplay(ctx: ServerContext, replay: Replay, config: ReplayConfig, signal: AbortSignal): Promise<void> {
  const timings: Timings = { staging_ready_ms: null, compare_ms: null };
  let outcome: Outcome;
  try {
    outcome = await judge(ctx, replay, config, signal, timings);
  } catch (err) {
    if (signal.aborted) return;
    ctx.log.error({ err, replay_id: replay.replay_id }, 'replay run failed');
    outcome = { failure: { code: 'replay_error', message: (err as Error).message } };
  }
  if (signal.aborted) return; // the server stops: the next leader picks the run up again
  try {
    await finish(ctx, replay, outcome, timings, config);
  } catch (err) {
    ctx.log.error({ err, replay_id: replay.replay_id }, 'cannot finish the replay; it stays running and is tried again');
  }
}

type Outcome = { failure: Failure } | { verdict: ReplayVerdict; candidate: ReplayAnswer[] };

async function judge(ctx: ServerContext, replay: Replay, config: ReplayConfig, signal: AbortSignal, timings: Timings): Promise<Outcome> {
  const service = await ctx.store.getService(replay.service);
  if (service?.replay == null) return { failure: { code: 'replay_not_configured', message: `service ${replay.service} no longer has a replay spec` } };
  const read = await readReplayRequests(service.replay);
  if (!read.ok) return { failure: { code: 'bad_replay_file', message: read.message } };
  if (replay.purpose === 'rollback') return named(await judgeReturnedInstances(ctx, replay, service.replay, read.requests, config, signal), read.requests);
  const waitStartedAt = ctx.now();
  const staged = await waitForStaging(ctx, replay, config, signal, waitStartedAt);
  if ('failure' in staged) return staged;
  timings.staging_ready_ms = ctx.now() - waitStartedAt;
  if (isNoBaselineReplay(replay)) {
    const startedAt = ctx.now();
    const [candidate] = await sendToAll(read.requests, [staged.baseUrl], config.send, signal);
    timings.compare_ms = ctx.now() - startedAt;
    return named({ verdict: judgeWithoutBaseline(candidate!), candidate: candidate! }, read.requests);
  }
  const stable = (await readyInstancesOn(ctx, service, replay.baseline_version)).slice(0, 2);
  if (stable.length === 0) return { failure: { code: 'replay_needs_stable', message: `no ready instance of ${replay.service} on ${replay.baseline_version ?? 'a desired version'} to compare with` } };
  const startedAt = ctx.now();
  const answers = await sendToAll(read.requests, [staged.baseUrl, ...stable.map((s) => s.base_url)], config.send, signal);
  const verdict = compareAnswers(answers[0]!, [answers[1]!, ...(answers[2] ? [answers[2]] : [])] as [ReplayAnswer[], ReplayAnswer[]?], service.replay, read.requests.map(endpointOf));
  timings.compare_ms = ctx.now() - startedAt;
  return named({ verdict, candidate: answers[0]! }, read.requests);
}

/** The outcome with each difference naming its request's method and path. */
function named(outcome: Outcome, requests: ReadonlyArray<{ method: string; path: string }>): Outcome {
  return 'failure' in outcome ? outcome : { ...outcome, verdict: { ...outcome.verdict, differences: nameDifferences(outcome.verdict.differences, requests) } };
}

/**
 * The staging instance's URL once its agent reports it ready; a failure when it fails or
 * the deadline passes. The deadline counts from when this run began waiting, not from
 * the replay's start: a run queued behind others, or carried on by a new leader, gets its
 * full time (the agent's lifetime cap still bounds the process).
 */
async function waitForStaging(ctx: ServerContext, replay: Replay, config: ReplayConfig, signal: AbortSignal, from: number): Promise<{ baseUrl: string } | { failure: Failure }> {
  const deadline = Math.max(replay.started_at, from) + (config.stagingReadyTimeoutS + config.installAllowanceS) * 1000;
  while (!signal.aborted) {
    const current = await ctx.store.getReplay(replay.replay_id);
    const staging = current?.staging;
    if (staging == null) return { failure: { code: 'staging_failed', message: 'the replay has no staging instance' } };
    if (staging.status === 'ready' && staging.port !== null) return { baseUrl: `http://${await hostAddress(ctx, staging.host)}:${staging.port}` };
    if (staging.status === 'failed') return { failure: { code: 'staging_failed', message: `the staging instance of ${replay.service} ${replay.version} on ${staging.host} failed: ${staging.reason ?? 'no reason given'}` } };
    if (ctx.now() >= deadline) return { failure: { code: 'staging_not_ready', message: `the staging instance on ${staging.host} was not ready in time (last status ${staging.status})` } };
    await new Promise((resolve) => setTimeout(resolve, STAGING_POLL_MS));
  }
  return { failure: { code: 'cancelled', message: 'the server stopped' } };
}

async function hostAddress(ctx: ServerContext, host: string): Promise<string> {
  return hostForUrl((await ctx.store.getHost(host))?.address ?? '127.0.0.1');
}

async function finish(ctx: ServerContext, replay: Replay, outcome: Outcome, timings: Timings, config: ReplayConfig): Promise<void> {
  const now = ctx.now();
  // A compared release replay's answers are the baseline of a later replay after a rollback to that version (bounded in bytes).
  const keeps = !('failure' in outcome) && keepsAnswersAsBaseline({ ...replay, passed: outcome.verdict.passed }, outcome.candidate.length, Number.POSITIVE_INFINITY);
  const answers = keeps ? keepAnswers(outcome.candidate, { maxBytes: config.maxKeptAnswerBytes ?? MAX_KEPT_ANSWER_BYTES, maxAnswers: config.maxKeptAnswers }) : { kept: [], dropped: 0 };
  const staging: ReplayStaging | null = replay.staging === null ? null : { ...((await ctx.store.getReplay(replay.replay_id))?.staging ?? replay.staging), wanted: false };
  const patch =
    'failure' in outcome
      ? { status: 'failed' as const, passed: false, reason: outcome.failure, completed_at: now, staging }
      : {
          status: 'completed' as const,
          passed: outcome.verdict.passed,
          requests: outcome.verdict.requests,
          difference_count: outcome.verdict.difference_count,
          differences: outcome.verdict.differences,
          noise_filtered: outcome.verdict.noise_filtered,
          noise_fields: outcome.verdict.noise_fields,
          noise_filtering: outcome.verdict.noise_filtering,
          reason: outcome.verdict.passed ? null : failureReason(replay, outcome.verdict),
          answers: keeps && answers.kept.length > 0 ? answers.kept : null,
          completed_at: now,
          staging,
        };
  const done: Replay = { ...replay, ...patch };
  const caller = { actor: REPLAY_ACTOR, correlationId: replay.correlation_id };
  await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    await tx.updateReplay(replay.replay_id, patch);
    // The instances a rollback returned take sessions again only once their replay passed.
    // Only the holds this replay owns: not a newer rollback's, nor one a person or a later deployment lifted.
    if (replay.purpose === 'rollback') {
      await tx.setReplayHold(replay.instances, done.passed === true ? null : { replay_id: replay.replay_id, failed: true, since: now }, { onlyIfReplayId: replay.replay_id });
    }
    if (replay.purpose === 'release') {
      const draft = { service: replay.service, version: replay.version, check: 'replay', passed: done.passed === true, summary: replaySummary(done), url: null, details: evidenceDetails(replay), source: FERRY_SOURCE, actor: replay.actor, correlation_id: replay.correlation_id, recorded_at: now };
      await appendEvidenceRecorded(tx, draft, { request_id: null, trace_id: null, deploy_id: null });
    }
    await recordEvent(
      tx,
      eventOf('replay_completed', replayEnvelope(replay, caller, now), { replay_id: replay.replay_id, purpose: replay.purpose, status: done.status, passed: done.passed === true, requests: done.requests, difference_count: done.difference_count, noise_filtered: done.noise_filtered, reason: done.reason, answers_kept: answers.kept.length, answers_dropped: answers.dropped, ...timings }),
    );
  });
  if (staging !== null) ctx.wake.hosts([staging.host]);
  ctx.log.info({ replay: presentReplay(done).summary, replay_id: replay.replay_id, passed: done.passed }, 'replay finished');
}

function failureReason(replay: Replay, verdict: ReplayVerdict): Failure {
  if (verdict.stable_unreliable === true) {
    return { code: 'stable_unreliable', message: `${verdict.stable_failures ?? 0} of ${verdict.requests} requests got no answer from a stable instance: too many to judge the candidate` };
  }
  if (isNoBaselineReplay(replay)) return { code: 'replay_differences', message: `${verdict.differing_requests} of ${verdict.requests} requests got a server error or no answer` };
  return { code: 'replay_differences', message: `${verdict.differing_requests} of ${verdict.requests} requests answered differently` };
}

/** The `replay` evidence's details: the run, and what it was compared with (`baseline: "none"` for a first release). */
function evidenceDetails(replay: Replay): Record<string, unknown> {
  return { replay_id: replay.replay_id, baseline_version: replay.baseline_version, ...(isNoBaselineReplay(replay) ? { baseline: 'none' } : {}) };
}
