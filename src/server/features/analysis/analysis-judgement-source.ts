/**
 * The seam the planner reads: where a deployment's analysis stands for its current phase,
 * judged from the stored measurements (core/analysis/judge-analysis.ts). Read inside the
 * reconciler's transaction, so the judgement and the plan see the same rows.
 */
import type { AnalysisJudgement } from '../../../core/analysis/analysis-spec.js';
import { analysisPhaseOf } from '../../../core/analysis/analysis-spec.js';
import { judgeAnalysis } from '../../../core/analysis/judge-analysis.js';
import { canaryStepCounts } from '../../../core/operations/strategy.js';
import type { Operation, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';

/** Undefined when the service has no analysis or the operation is not a deployment. `now` is kept for judgements that will weigh age. */
export async function analysisJudgementFor(tx: Store, operation: Operation, service: Pick<Service, 'analysis'>, _now: number): Promise<AnalysisJudgement | undefined> {
  if (service.analysis === null || operation.kind !== 'deploy') return undefined;
  const phase = await currentAnalysisPhase(tx, operation);
  return judgeAnalysis(service.analysis, await tx.listAnalysisMeasurements(operation.id, { phase }), phase);
}

/** The phase key the operation's rollout is in now (analysisPhaseOf). */
export async function currentAnalysisPhase(tx: Store, operation: Operation): Promise<string> {
  const targets = await tx.listTargets(operation.id);
  return analysisPhaseOf(operation.rollout.steps_done, canaryStepCounts(operation.strategy, targets.length).length);
}
