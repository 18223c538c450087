/** The audit envelope of a replay's events: the release it judges, who asked, and their request's ids. */
import type { Replay } from '../../../core/replay/replay-record.js';
import { callerEventIds, type Caller } from '../shared/caller.js';

export function replayEnvelope(replay: Replay, caller: Caller, at: number) {
  return { at, service: replay.service, version: replay.version, instance_id: null, deploy_id: null, actor: caller.actor, correlation_id: caller.correlationId, ...callerEventIds(caller) };
}
