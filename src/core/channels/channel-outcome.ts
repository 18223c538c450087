/**
 * What the end of an operation means for a channel: a channel change that succeeded starts
 * its soak; a deploy to the canary channel is Ferry's own `rollout` evidence for the
 * release, passed when it succeeded and failed when it failed, rolled back or was aborted.
 * Pure: the plan applier stores what this returns.
 */
import type { EvidenceDraft } from '../readiness/evidence.js';
import { FERRY_SOURCE } from '../readiness/evidence.js';
import type { Operation, OperationStatus, Reason } from '../types.js';
import type { ChannelEntry } from './channel-entry.js';
import { CANARY } from './channel-instances.js';

export interface ChannelOutcome {
  /** Set the entry's soak start to this time; null leaves it unset. */
  soakStartedAt: number | null;
  evidence: EvidenceDraft | null;
}

const ENDED_BADLY: OperationStatus[] = ['failed', 'rolled_back', 'aborted'];

/** How an operation ended: its final status and, when it went wrong, why. */
export interface OperationEnd {
  status: OperationStatus;
  reason: Reason | null;
}

/** The outcome of `operation` ending as `end` for the channel row that names it. */
export function channelOutcome(entry: ChannelEntry, operation: Operation, end: OperationEnd, now: number): ChannelOutcome {
  const { status } = end;
  const succeeded = status === 'succeeded';
  const soakStartedAt = succeeded && entry.soak_started_at === null ? now : null;
  const isCanaryDeploy = entry.channel === CANARY && operation.kind === 'deploy';
  if (!isCanaryDeploy || (!succeeded && !ENDED_BADLY.includes(status))) return { soakStartedAt, evidence: null };
  const evidence: EvidenceDraft = {
    service: entry.service,
    version: entry.version,
    check: 'rollout',
    passed: succeeded,
    summary: succeeded ? `canary deployment ${operation.id} reached every canary instance healthy` : `canary deployment ${operation.id} ended ${status}${end.reason ? `: ${end.reason.message}` : ''}`,
    url: null,
    details: { deploy_id: operation.id, channel: entry.channel, status },
    source: FERRY_SOURCE,
    actor: operation.actor,
    correlation_id: operation.correlation_id,
    recorded_at: now,
  };
  return { soakStartedAt, evidence };
}
