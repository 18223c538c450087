/**
 * A replay after a rollback, its I/O side: wait (bounded) for every instance the rollback
 * returned to be ready, send them the recorded requests, and let core judge them
 * (core/replay/returned-verdict.ts) against the latest stored baseline of that version.
 * An instance not ready by the deadline was never judged, so the run fails
 * (`instances_not_ready`) and every held instance keeps its hold: none is released
 * unanswered.
 */
import { endpointOf, type ReplayAnswer, type ReplayVerdict } from '../../../core/replay/compare-answers.js';
import type { Replay } from '../../../core/replay/replay-record.js';
import { judgeReturnedAnswers, type StoredBaseline } from '../../../core/replay/returned-verdict.js';
import type { ReplayRequest, ReplaySpec } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import type { ReplayConfig } from './replay-config.js';
import { sendToAll } from './replay-sender.js';
import { readyInstancesOn, type ReplayTarget } from './stable-instances.js';

const READY_POLL_MS = 200;

export type JudgeOutcome = { failure: { code: string; message: string } } | { verdict: ReplayVerdict; candidate: ReplayAnswer[] };

export async function judgeReturnedInstances(ctx: ServerContext, replay: Replay, spec: ReplaySpec, requests: ReplayRequest[], config: ReplayConfig, signal: AbortSignal): Promise<JudgeOutcome> {
  const service = await ctx.store.getService(replay.service);
  if (service === undefined) return { failure: { code: 'service_not_found', message: `service ${replay.service} is gone` } };
  const targets = await waitForReady(ctx, replay, config, signal);
  const missing = replay.instances.filter((id) => !targets.some((t) => t.instance_id === id));
  if (missing.length > 0) return { failure: { code: 'instances_not_ready', message: `${missing.join(', ')} ${missing.length === 1 ? 'was' : 'were'} not ready on ${replay.version} in time, so not judged` } };
  const answers = await sendToAll(requests, targets.map((t) => t.base_url), config.send, signal);
  const returned = targets.map((t, k) => ({ instance_id: t.instance_id, answers: answers[k]! }));
  const verdict = judgeReturnedAnswers(returned, await latestBaseline(ctx, replay), spec, requests.map(endpointOf));
  return { verdict, candidate: answers[0]! };
}

/** The returned instances once all are ready, or those that are when the deadline passes. */
async function waitForReady(ctx: ServerContext, replay: Replay, config: ReplayConfig, signal: AbortSignal): Promise<ReplayTarget[]> {
  const deadline = ctx.now() + config.stagingReadyTimeoutS * 1000;
  const wanted = new Set(replay.instances);
  for (;;) {
    const service = await ctx.store.getService(replay.service);
    const ready = service === undefined ? [] : await readyInstancesOn(ctx, service, replay.version, wanted);
    if (ready.length === wanted.size || ctx.now() >= deadline || signal.aborted) return ready;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}

/** The answers of the latest passed release replay of this version that kept some; lists carry no answers, so the one found is read by id. */
async function latestBaseline(ctx: ServerContext, replay: Replay): Promise<StoredBaseline | null> {
  const replays = await ctx.store.listReplays({ service: replay.service, version: replay.version, status: 'completed', limit: 50 });
  for (const candidate of replays.filter((r) => r.purpose === 'release' && r.passed === true && r.baseline_version !== null)) {
    const full = await ctx.store.getReplay(candidate.replay_id);
    if (full?.answers != null && full.answers.length > 0) return { answers: full.answers, noise_fields: full.noise_fields };
  }
  return null;
}
