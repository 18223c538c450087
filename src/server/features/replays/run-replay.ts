/**
 * One replay run, start to verdict: wait (bounded) for the agent to report the staging
 * instance ready, send every request to it and to two ready desired-version instances,
 * compare (core/replay), and finish. A run recorded without a baseline version (a first
 * release, core/replay/replay-plan.ts) sends to the staging instance alone and is judged
 * by core/replay/no-baseline-verdict.ts. Finishing is one transaction: the verdict stored,
 * the staging entry withdrawn (so the agent stops the process), `replay` evidence
 * appended, and a `replay_completed` audit event. Whatever goes wrong ends the run
 * `failed` with a reason; a run never ends with its staging entry still wanted.
 */
import { compareAnswers, endpointOf, type ReplayAnswer, type ReplayVerdict } from '../../../core/replay/compare-answers.js';
import { FERRY_SOURCE } from '../../../core/readiness/evidence.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import { judgeWithoutBaseline } from '../../../core/replay/no-baseline-verdict.js';
import { isNoBaselineReplay, keepsAnswersAsBaseline } from '../../../core/replay/replay-plan.js';
import type { Replay, ReplayStaging } from '../../../core/replay/replay-record.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { presentReplay, replaySummary } from './replay-presenter.js';
import type { ReplayConfig } from './replay-config.js';
import { readReplayRequests } from './replay-requests-source.js';
import { sendToAll } from './replay-sender.js';
import { readyInstancesOn } from './stable-instances.js';
import { judgeReturnedInstances } from './judge-returned-instances.js';
import { replayEnvelope } from './start-replay.js';

const STAGING_POLL_MS = 100;
/** Most candidate answers a passed replay keeps as a later rollback replay's baseline. */
const MAX_BASELINE_ANSWERS = 2000;
export const REPLAY_ACTOR = 'ferry:replay';

type Failure = { code: string; message: string };
/** How long each phase took, for the audit event (and the benchmark). */
interface Timings {
  staging_ready_ms: number | null;
  compare_ms: number | null;
}

export async function runReplay(ctx: ServerContext, replay: Replay, config: ReplayConfig, signal: AbortSignal): Promise<void> {
  const timings: Timings = { staging_ready_ms: null, compare_ms: null };
  try {
    const outcome = await judge(ctx, replay, config, signal, timings);
    if (signal.aborted) return; // the server stops: the next leader picks the run up again
    await finish(ctx, replay, outcome, timings);
  } catch (err) {
    if (signal.aborted) return;
    ctx.log.error({ err, replay_id: replay.replay_id }, 'replay run failed');
    await finish(ctx, replay, { failure: { code: 'replay_error', message: (err as Error).message } }, timings);
  }
}

type Outcome = { failure: Failure } | { verdict: ReplayVerdict; candidate: ReplayAnswer[] };

async function judge(ctx: ServerContext, replay: Replay, config: ReplayConfig, signal: AbortSignal, timings: Timings): Promise<Outcome> {
  const service = await ctx.store.getService(replay.service);
  if (service?.replay == null) return { failure: { code: 'replay_not_configured', message: `service ${replay.service} no longer has a replay spec` } };
  const read = await readReplayRequests(service.replay);
  if (!read.ok) return { failure: { code: 'bad_replay_file', message: read.message } };
  if (replay.purpose === 'rollback') return judgeReturnedInstances(ctx, replay, service.replay, read.requests, config, signal);
  const staged = await waitForStaging(ctx, replay, config, signal);
  if ('failure' in staged) return staged;
  timings.staging_ready_ms = ctx.now() - replay.started_at;
  if (isNoBaselineReplay(replay)) {
    const startedAt = ctx.now();
    const [candidate] = await sendToAll(read.requests, [staged.baseUrl], config.send, signal);
    timings.compare_ms = ctx.now() - startedAt;
    return { verdict: judgeWithoutBaseline(candidate!), candidate: candidate! };
  }
  const stable = (await readyInstancesOn(ctx, service, replay.baseline_version)).slice(0, 2);
  if (stable.length === 0) return { failure: { code: 'replay_needs_stable', message: `no ready instance of ${replay.service} on ${replay.baseline_version ?? 'a desired version'} to compare with` } };
  const startedAt = ctx.now();
  const answers = await sendToAll(read.requests, [staged.baseUrl, ...stable.map((s) => s.base_url)], config.send, signal);
  const verdict = compareAnswers(answers[0]!, [answers[1]!, ...(answers[2] ? [answers[2]] : [])] as [ReplayAnswer[], ReplayAnswer[]?], service.replay, read.requests.map(endpointOf));
  timings.compare_ms = ctx.now() - startedAt;
  return { verdict, candidate: answers[0]! };
}

/** The staging instance's URL once its agent reports it ready; a failure when it fails or the deadline passes. */
async function waitForStaging(ctx: ServerContext, replay: Replay, config: ReplayConfig, signal: AbortSignal): Promise<{ baseUrl: string } | { failure: Failure }> {
  const deadline = replay.started_at + (config.stagingReadyTimeoutS + config.installAllowanceS) * 1000;
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
  const address = (await ctx.store.getHost(host))?.address ?? '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

async function finish(ctx: ServerContext, replay: Replay, outcome: Outcome, timings: Timings): Promise<void> {
  const now = ctx.now();
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
          reason: outcome.verdict.passed ? null : { code: 'replay_differences', message: failureMessage(replay, outcome.verdict) },
          // A compared release replay's answers are the baseline of a later replay after a rollback to that version.
          answers: keepsAnswersAsBaseline({ ...replay, passed: outcome.verdict.passed }, outcome.candidate.length, MAX_BASELINE_ANSWERS) ? outcome.candidate : null,
          completed_at: now,
          staging,
        };
  const done: Replay = { ...replay, ...patch };
  const caller = { actor: REPLAY_ACTOR, correlationId: replay.correlation_id };
  await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    await tx.updateReplay(replay.replay_id, patch);
    // The instances a rollback returned take sessions again only once their replay passed.
    if (replay.purpose === 'rollback') await tx.setReplayHold(replay.instances, done.passed === true ? null : { replay_id: replay.replay_id, failed: true, since: now });
    if (replay.purpose === 'release') {
      await tx.appendEvidence({ service: replay.service, version: replay.version, check: 'replay', passed: done.passed === true, summary: replaySummary(done), url: null, details: evidenceDetails(replay), source: FERRY_SOURCE, actor: replay.actor, correlation_id: replay.correlation_id, recorded_at: now });
    }
    await recordEvent(
      tx,
      eventOf('replay_completed', replayEnvelope(replay, caller, now), { replay_id: replay.replay_id, purpose: replay.purpose, status: done.status, passed: done.passed === true, requests: done.requests, difference_count: done.difference_count, noise_filtered: done.noise_filtered, reason: done.reason, ...timings }),
    );
  });
  if (staging !== null) ctx.wake.hosts([staging.host]);
  ctx.log.info({ replay: presentReplay(done).summary, replay_id: replay.replay_id, passed: done.passed }, 'replay finished');
}

function failureMessage(replay: Replay, verdict: ReplayVerdict): string {
  if (isNoBaselineReplay(replay)) return `${verdict.differing_requests} of ${verdict.requests} requests got a server error or no answer`;
  return `${verdict.differing_requests} of ${verdict.requests} requests answered differently`;
}

/** The `replay` evidence's details: the run, and what it was compared with (`baseline: "none"` for a first release). */
function evidenceDetails(replay: Replay): Record<string, unknown> {
  return { replay_id: replay.replay_id, baseline_version: replay.baseline_version, ...(isNoBaselineReplay(replay) ? { baseline: 'none' } : {}) };
}
