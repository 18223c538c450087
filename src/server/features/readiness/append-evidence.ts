/**
 * The one way a record enters a release's evidence: appended and audited
 * (`evidence_recorded`) in the caller's transaction, so a record never exists without
 * its event nor an event without its record. The evidence route (CI's records) and the
 * reconciler's `rollout` record at a canary's end come here. The staging replay still
 * appends its `replay` record to the store directly (its `evidence_recorded` event is
 * then missing); it is to come here too. There are no drills yet.
 */
import type { Evidence, EvidenceDraft } from '../../../core/readiness/evidence.js';
import type { Store } from '../../../store/store.js';
import { recordEvent } from '../../events/record-event.js';

/** Ids the audit event carries besides the record's correlation id: the request's, when a request wrote it. */
export interface EvidenceEventIds {
  request_id: string | null;
  trace_id: string | null;
  deploy_id: string | null;
}

export async function appendEvidenceRecorded(tx: Store, draft: EvidenceDraft, ids: EvidenceEventIds): Promise<Evidence> {
  const stored = await tx.appendEvidence(draft);
  await recordEvent(tx, {
    at: stored.recorded_at,
    type: 'evidence_recorded',
    service: stored.service,
    version: stored.version,
    instance_id: null,
    deploy_id: ids.deploy_id,
    actor: stored.actor,
    correlation_id: stored.correlation_id,
    request_id: ids.request_id,
    trace_id: ids.trace_id,
    details: {
      evidence_id: stored.id,
      check: stored.check,
      passed: stored.passed,
      source: stored.source,
      summary: stored.summary,
      ...(ids.deploy_id !== null ? { deploy_id: ids.deploy_id } : {}),
    },
  });
  return stored;
}
