/**
 * The batches an operation would run, for `ferry deploy --dry-run`: the planner's own
 * arithmetic (batchSize, canaryStepCounts) over the targets in the order it starts them
 * (by instance id), assuming every instance succeeds. The planner keeps a window of
 * `batch size` instances in flight and starts the next one as soon as one passes its
 * health gate, so a real rollout may overlap two batches; it never changes more at once.
 */
import type { Operation, OperationTarget, StrategySpec } from '../types.js';
import { batchSize, canaryStepCounts } from './strategy.js';

export interface PreviewBatch {
  /** 1-based. */
  batch: number;
  /** The canary step this batch belongs to (1-based); null after the steps, and outside canaries. */
  canary_step: number | null;
  instances: Array<{ instance_id: string; from_version: string | null; to_version: string | null }>;
  /** How the rollout waits after this batch: a canary step's pause; null when it goes straight on. */
  pause_after: 'until_promoted' | { pause_s: number } | null;
}

/**
 *   rolling batch_percent 25, 4 targets   → [a] [b] [c] [d]
 *   canary 1 until promoted, 4 targets    → [a] (pause until_promoted) [b c d]
 *   rollback, 4 targets                   → [a b c d]
 */
export function previewBatches(operation: Pick<Operation, 'kind' | 'strategy'>, targets: readonly OperationTarget[]): PreviewBatch[] {
  const ordered = [...targets].sort((a, b) => (a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0));
  const total = ordered.length;
  const steps = operation.kind === 'deploy' ? canaryStepCounts(operation.strategy, total) : [];
  const window = operation.kind === 'rollback' ? total : batchSize(operation.strategy, total);
  const batches: PreviewBatch[] = [];
  let started = 0;
  let step = 0;
  while (started < total) {
    const limit = steps[step] ?? total;
    const size = Math.max(1, Math.min(window, limit - started));
    const chunk = ordered.slice(started, started + size);
    started += chunk.length;
    const endsStep = step < steps.length && started >= limit;
    batches.push({
      batch: batches.length + 1,
      canary_step: step < steps.length ? step + 1 : null,
      instances: chunk.map((t) => ({ instance_id: t.instance_id, from_version: t.from_version, to_version: t.to_version })),
      pause_after: endsStep && started < total ? stepPause(operation.strategy, step) : null,
    });
    if (endsStep) step += 1;
  }
  return batches;
}

function stepPause(strategy: StrategySpec, step: number): PreviewBatch['pause_after'] {
  const spec = strategy.type === 'canary' ? strategy.steps?.[step] : undefined;
  if (spec?.pause === 'until_promoted') return 'until_promoted';
  if (spec?.pause_s !== undefined && spec.pause_s > 0) return { pause_s: spec.pause_s };
  return null;
}
