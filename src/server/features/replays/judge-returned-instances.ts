/**
 * The verdict of a replay after a rollback: the instances a rollback returned answer the
 * recorded requests, and are judged against a baseline.
 *
 * - With a stored baseline (the candidate answers of the latest passed replay of that
 *   version, and the noise it learnt), every returned instance is compared with it.
 * - Without one, the returned instances are compared with each other: the first two are
 *   the stable pair (what they disagree on is noise) and every instance is compared with
 *   the first, so an instance that answers unlike the others is caught (with three or more).
 */
import { compareAnswers, endpointOf, type ReplayAnswer, type ReplayDifference, type ReplayVerdict } from '../../../core/replay/compare-answers.js';
import type { Replay } from '../../../core/replay/replay-record.js';
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
  if (targets.length === 0) return { failure: { code: 'replay_needs_stable', message: `none of ${replay.instances.join(', ')} is ready on ${replay.version}` } };
  const answers = await sendToAll(requests, targets.map((t) => t.base_url), config.send, signal);
  const endpoints = requests.map(endpointOf);
  const baseline = await latestBaseline(ctx, replay);
  const verdicts = targets.map((target, k) =>
    baseline !== undefined
      ? { target, verdict: compareAnswers(answers[k]!, [baseline.answers!], { ...spec, noise: baseline.noise_fields }, endpoints) }
      : { target, verdict: compareAnswers(answers[k]!, answers.length >= 2 ? [answers[0]!, answers[1]!] : [answers[0]!], spec, endpoints) },
  );
  return { verdict: combine(verdicts, requests.length), candidate: answers[0]! };
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

async function latestBaseline(ctx: ServerContext, replay: Replay): Promise<Replay | undefined> {
  const replays = await ctx.store.listReplays({ service: replay.service, version: replay.version, status: 'completed', limit: 50 });
  return replays.find((r) => r.purpose === 'release' && r.passed === true && r.answers !== null && r.answers.length > 0);
}

/** One verdict over every returned instance: it passes when each does; differences name their instance. */
function combine(verdicts: Array<{ target: ReplayTarget; verdict: ReplayVerdict }>, requests: number): ReplayVerdict {
  const differences: Array<ReplayDifference & { instance_id: string }> = verdicts.flatMap(({ target, verdict }) => verdict.differences.map((d) => ({ ...d, instance_id: target.instance_id })));
  const noise = [...new Set(verdicts.flatMap((v) => v.verdict.noise_fields))].sort();
  return {
    passed: verdicts.every((v) => v.verdict.passed),
    requests,
    differing_requests: Math.max(0, ...verdicts.map((v) => v.verdict.differing_requests)),
    difference_count: verdicts.reduce((n, v) => n + v.verdict.difference_count, 0),
    differences: differences.slice(0, 1000),
    noise_filtered: noise.length,
    noise_fields: noise,
    noise_filtering: verdicts.every((v) => v.verdict.noise_filtering),
  };
}
