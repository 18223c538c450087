/** The API shape of a replay run (CONTRACT §4): ISO times, the staging instance, never the stored answers. */
import { noBaselineSummary } from '../../../core/replay/no-baseline-verdict.js';
import { isNoBaselineReplay } from '../../../core/replay/replay-plan.js';
import type { Replay } from '../../../core/replay/replay-record.js';
import { iso } from '../../../core/iso-time.js';


export function presentReplay(r: Replay) {
  return {
    replay_id: r.replay_id,
    service: r.service,
    version: r.version,
    baseline_version: r.baseline_version,
    purpose: r.purpose,
    instances: r.instances,
    status: r.status,
    passed: r.passed,
    requests: r.requests,
    difference_count: r.difference_count,
    differences: r.differences,
    noise_filtered: r.noise_filtered,
    noise_fields: r.noise_fields,
    noise_filtering: r.noise_filtering,
    reason: r.reason,
    staging: r.staging,
    summary: replaySummary(r),
    started_at: iso(r.started_at),
    completed_at: iso(r.completed_at),
  };
}

/**
 * One line a person reads: "200 requests, 0 differences, 3 noise fields filtered", or for
 * a first release "3 requests answered without a server error (no desired version to compare with)".
 */
export function replaySummary(r: Pick<Replay, 'status' | 'purpose' | 'baseline_version' | 'requests' | 'difference_count' | 'noise_filtered' | 'noise_filtering' | 'reason'>): string {
  if (r.status === 'running') return 'running';
  if (r.status === 'failed') return `failed: ${r.reason?.message ?? 'unknown reason'}`;
  if (isNoBaselineReplay(r)) return noBaselineSummary(r.requests, r.difference_count);
  const noise = r.noise_filtering === false ? 'no noise filtering (one stable instance)' : `${r.noise_filtered} noise field${r.noise_filtered === 1 ? '' : 's'} filtered`;
  return `${r.requests} requests, ${r.difference_count} difference${r.difference_count === 1 ? '' : 's'}, ${noise}`;
}
