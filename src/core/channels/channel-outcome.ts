/**
 * What the end of an operation means for a channel: a channel change that succeeded starts
 * its soak; a deploy to the canary channel is Ferry's own `rollout` evidence for the
 * release, decided by core/readiness's `rolloutRecordOf` (the one rule for every canary:
 * passed when it succeeded, failed when it failed, was rolled back or was aborted).
 * Pure: the plan applier stores what this returns.
 */
import type { EvidenceDraft } from '../readiness/evidence.js';
import { rolloutRecordOf } from '../readiness/rollout-evidence.js';
import type { Operation, OperationStatus, Reason } from '../types.js';
import type { ChannelEntry } from './channel-entry.js';
import { CANARY } from './channel-instances.js';

export interface ChannelOutcome {
  /** Set the entry's soak start to this time; null leaves it unset. */
  soakStartedAt: number | null;
  evidence: EvidenceDraft | null;
}

/** How an operation ended: its final status and, when it went wrong, why. */
export interface OperationEnd {
  status: OperationStatus;
  reason: Reason | null;
}

/** The outcome of `operation` ending as `end` for the channel row that names it. */
export function channelOutcome(entry: ChannelEntry, operation: Operation, end: OperationEnd, now: number): ChannelOutcome {
  const soakStartedAt = end.status === 'succeeded' && entry.soak_started_at === null ? now : null;
  const isCanaryDeploy = entry.channel === CANARY && operation.kind === 'deploy';
  const evidence = isCanaryDeploy ? rolloutRecordOf({ operation, service: entry.service, version: entry.version, channel: entry.channel }, end, now) : null;
  return { soakStartedAt, evidence };
}
