/**
 * A replay run as stored (migration 016) and shown by `GET /api/v1/replays/{id}`. The
 * staging fields are the ephemeral candidate instance the agent of `staging.host` runs
 * while `staging.wanted` holds: never one of the service's instances, so sessions, drift
 * and metrics never count it.
 */
import type { ReplayAnswer, ReplayDifference } from './compare-answers.js';

/** `running` until judged; `completed` with `passed` true or false; `failed` when it could not be judged. */
export type ReplayStatus = 'running' | 'completed' | 'failed';

/** What the agent last reported of the staging instance; `pending` until it has said anything. */
export type StagingStatus = 'pending' | 'starting' | 'ready' | 'failed' | 'stopped';

/** `release`: a candidate release before it ships; `rollback`: instances a rollback returned, before they take sessions. */
export type ReplayPurpose = 'release' | 'rollback';

export interface ReplayStaging {
  host: string;
  /** While true the host's assignments carry the staging entry; false once the run is done with it. */
  wanted: boolean;
  port: number | null;
  status: StagingStatus;
  reason: string | null;
}

export interface Replay {
  replay_id: string;
  service: string;
  version: string;
  /** The desired version the candidate was compared with. */
  baseline_version: string | null;
  purpose: ReplayPurpose;
  /** For `rollback`: the instances held out of allocation until this replay passes. */
  instances: string[];
  status: ReplayStatus;
  passed: boolean | null;
  requests: number;
  difference_count: number;
  differences: ReplayDifference[];
  noise_filtered: number;
  noise_fields: string[];
  noise_filtering: boolean | null;
  reason: { code: string; message: string } | null;
  /** Null for a rollback replay, which talks to the returned instances themselves. */
  staging: ReplayStaging | null;
  /**
   * The candidate's answers of a passed replay (bounded, `answers-kept.ts`): the baseline of
   * a later post-rollback replay. Read by `getReplay` only: lists always say null.
   */
  answers: ReplayAnswer[] | null;
  actor: string;
  correlation_id: string;
  started_at: number;
  completed_at: number | null;
}

/** What a replay is asked with; everything else about a new run starts empty. */
export type ReplayStart = Pick<Replay, 'replay_id' | 'service' | 'version' | 'baseline_version' | 'purpose' | 'instances' | 'requests' | 'staging' | 'actor' | 'correlation_id' | 'started_at'>;

/** The record of a replay that has just started: running, nothing compared yet. */
export function runningReplay(start: ReplayStart): Replay {
  return {
    ...start,
    status: 'running',
    passed: null,
    difference_count: 0,
    differences: [],
    noise_filtered: 0,
    noise_fields: [],
    noise_filtering: null,
    reason: null,
    answers: null,
    completed_at: null,
  };
}

/** What a run may change on its record after it started. */
export type ReplayPatch = Partial<Pick<Replay, 'status' | 'passed' | 'requests' | 'difference_count' | 'differences' | 'noise_filtered' | 'noise_fields' | 'noise_filtering' | 'reason' | 'staging' | 'answers' | 'completed_at' | 'baseline_version'>>;

export interface ReplayFilter {
  service?: string;
  version?: string;
  status?: ReplayStatus;
  /** Replays whose staging instance the host's agent should run now. */
  stagingHost?: string;
  /** Oldest first instead of newest first (the worker, so no running replay starves). */
  oldestFirst?: boolean;
  limit?: number;
}
