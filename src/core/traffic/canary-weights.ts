/**
 * Load-balancer weights that give the new version's instances `sharePercent` of the
 * traffic between them, the rest going to the old version's instances in equal parts.
 * Weights are integers on HAProxy's scale (0–256); the larger side gets MAX_WEIGHT so
 * rounding moves the share by at most one weight unit per instance. Worked examples (new × weight, old × weight):
 *   1 new, 7 old, 10 %  → new 199, old 256   (199 / (199 + 7·256) = 10.0 %)
 *   4 new, 4 old, 50 %  → new 256, old 256
 *   1 new, 1 old, 100 % → new 256, old 0     (the old one drains by weight)
 *   2 new, 6 old, 25 %  → new 256, old 256   (each instance its fair share)
 */
export const MAX_WEIGHT = 256;

export interface CanaryWeights {
  canary: number;
  stable: number;
}

export function canaryWeights(newCount: number, oldCount: number, sharePercent: number): CanaryWeights {
  const share = Math.min(100, Math.max(0, sharePercent));
  const perNew = share / Math.max(1, newCount);
  const perOld = (100 - share) / Math.max(1, oldCount);
  const scale = MAX_WEIGHT / Math.max(perNew, perOld);
  // A side with any share keeps at least weight 1: rounding never takes all its traffic.
  const weigh = (per: number) => (per === 0 ? 0 : Math.max(1, Math.round(per * scale)));
  return { canary: weigh(perNew), stable: weigh(perOld) };
}

/**
 * The share the new version gets while a weight step fills up: the step's weight times the
 * part of the step's instances already back in traffic, so an instance that is ready
 * early never carries the whole step's share alone.
 *   weight 50, step of 4, 1 ready → 12.5 %;  4 ready → 50 %
 */
export function fillingShare(stepWeight: number, readyNew: number, stepInstances: number): number {
  if (stepInstances <= 0) return stepWeight;
  return (stepWeight * Math.min(readyNew, stepInstances)) / stepInstances;
}
