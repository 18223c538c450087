/**
 * When the analysis runner measures a deployment, and what: pure functions of the
 * operation, its targets and the clock (CONTRACT §5 "Analysis runs during every canary
 * pause and after every batch").
 *
 * A deployment is measured only while it is `paused` or `running` and some of its targets
 * passed their health gate on the new version (`succeeded`, changed): those are the canary
 * instances. The baseline is every other live instance of the service that the operation
 * has not touched, still on the version the canary came from.
 */
import { canaryStepCounts } from '../operations/strategy.js';
import type { Operation, OperationTarget } from '../types.js';
import { analysisPhaseOf, type AnalysisJudgement } from './analysis-spec.js';

export interface AnalysisSubjects {
  phase: string;
  /** The deployment's version. */
  version: string;
  /** The version the canary instances came from; null when none is known (a first deployment). */
  baseline_version: string | null;
  /** Instance ids on the new version past their health gate, sorted. */
  canary: string[];
  /** Instance ids the operation has not touched, sorted. */
  baseline: string[];
  /** When the phase became measurable: the pause's start, else the last progress. */
  since: number;
}

const UNTOUCHED = new Set(['pending', 'skipped']);

/**
 * Null when nothing is to be measured now.
 *   deploy paused at step 1, web-1 succeeded on 2.0, web-2/web-3 pending → phase step-1, canary [web-1], baseline [web-2, web-3]
 *   deploy running, no target succeeded yet                                 → null
 *   rollback, restart, or a deployment rolling back or verifying             → null
 */
export function analysisSubjectsOf(operation: Operation, targets: readonly OperationTarget[], liveInstanceIds: readonly string[]): AnalysisSubjects | null {
  if (operation.kind !== 'deploy' || operation.version === null) return null;
  if (operation.status !== 'paused' && operation.status !== 'running') return null;
  const canaryTargets = targets.filter((t) => t.status === 'succeeded' && t.changed && t.to_version === operation.version);
  if (canaryTargets.length === 0) return null;
  const touched = new Set(targets.filter((t) => !UNTOUCHED.has(t.status)).map((t) => t.instance_id));
  const steps = canaryStepCounts(operation.strategy, targets.length).length;
  const rollout = operation.rollout;
  return {
    phase: analysisPhaseOf(rollout.steps_done, steps),
    version: operation.version,
    baseline_version: mostCommon(canaryTargets.map((t) => t.from_version).filter((v): v is string => v !== null)),
    canary: canaryTargets.map((t) => t.instance_id).sort(),
    baseline: liveInstanceIds.filter((id) => !touched.has(id)).sort(),
    since: operation.status === 'paused' && rollout.pause !== null ? rollout.pause.since : rollout.progress_at,
  };
}

/**
 * A measurement is due `interval_s` after the phase's last one (or after the phase became
 * measurable, so a canary has had traffic to measure), and never once the phase's analysis
 * failed or is inconclusive: a rollback or a person decides then, and more rows add nothing.
 * A dry run is the exception: nothing acts on it, so it goes on recording verdicts.
 * `startingReading`: the provider's first reading only starts a count (HAProxy's counters),
 * so it is taken as soon as the phase is measurable and the first verdict comes one
 * interval after the canary took traffic, not two.
 *   since t, none yet, interval 30 s, now t+10 s → not due;  now t+30 s → due
 *   since t, none yet, starting reading, now t    → due
 *   last at t+30 s, now t+45 s                    → not due;  now t+60 s → due
 */
export function analysisDue(
  subjects: Pick<AnalysisSubjects, 'since'>,
  lastMeasuredAt: number | null,
  judgement: Pick<AnalysisJudgement, 'state' | 'dry_run'>,
  intervalS: number,
  now: number,
  startingReading = false,
): boolean {
  // A dry run acts on nothing, so nobody decides after a verdict: it keeps recording.
  if (!judgement.dry_run && (judgement.state === 'failed' || judgement.state === 'inconclusive')) return false;
  if (lastMeasuredAt === null && startingReading) return now >= subjects.since;
  const from = lastMeasuredAt ?? subjects.since;
  return now >= from + intervalS * 1000;
}

/** The value seen most often; the first of the tied ones; null for none. */
function mostCommon(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}
