/** The replay worker's bounds, from the environment; every one has a default that suits a small fleet. */
import { DEFAULT_SEND_LIMITS, type SendLimits } from './replay-sender.js';
import { positiveOrDefault } from '../../../config/positive-setting.js';

export interface ReplayConfig {
  /** How often the worker looks for running replays it does not run yet. */
  pollMs: number;
  /** FERRY_REPLAY_STAGING_TIMEOUT_S (60): the staging instance must be healthy within this after it starts. */
  stagingReadyTimeoutS: number;
  /** Extra time for the agent to download and install the release before the ready timeout counts. */
  installAllowanceS: number;
  /** FERRY_REPLAY_STAGING_LIFETIME_S (900): the agent stops a staging instance after this, whatever happens. */
  stagingLifetimeS: number;
  send: SendLimits;
  /** Most candidate answers kept for a later post-rollback replay (a prefix; the rest are dropped). */
  maxKeptAnswers: number;
  /** Most bytes of candidate answers kept (core/replay/answers-kept.ts, default 8 MiB). */
  maxKeptAnswerBytes?: number;
}


export function readReplayConfig(env: NodeJS.ProcessEnv = process.env): ReplayConfig {
  return {
    pollMs: 200,
    stagingReadyTimeoutS: positiveOrDefault(env.FERRY_REPLAY_STAGING_TIMEOUT_S, 60),
    installAllowanceS: 120,
    stagingLifetimeS: positiveOrDefault(env.FERRY_REPLAY_STAGING_LIFETIME_S, 900),
    send: {
      concurrency: positiveOrDefault(env.FERRY_REPLAY_CONCURRENCY, DEFAULT_SEND_LIMITS.concurrency),
      timeoutMs: positiveOrDefault(env.FERRY_REPLAY_REQUEST_TIMEOUT_MS, DEFAULT_SEND_LIMITS.timeoutMs),
      maxAnswerBytes: DEFAULT_SEND_LIMITS.maxAnswerBytes,
    },
    maxKeptAnswers: 2000,
  };
}
