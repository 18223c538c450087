/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) a `compare` analysis query uses to judge the
 * canary's samples against the baseline's (CONTRACT §5): no assumption about how the
 * values are distributed, only that larger ranks mean larger values.
 *
 * The p-value comes from the normal approximation with the tie correction and a
 * continuity correction of 0.5, which is close to the exact distribution from about 20
 * samples a side (the default `min_samples`). Below that it is an approximation, and
 * conservative rather than eager: a difference must be clear to count.
 *
 * The question asked is one-sided by default, "is the canary worse?" (its values tend to be
 * greater, or less, than the baseline's), because a canary that is better than its baseline
 * must never be rolled back for being different. `either` asks the two-sided question.
 */

export type Alternative = 'greater' | 'less' | 'either';

export interface MannWhitneyResult {
  /** U of the canary sample: how often a canary value beats a baseline value (ties count half). */
  u: number;
  /** Standard score of U under "no difference", continuity-corrected; 0 when every value ties. */
  z: number;
  /** The chance of a U at least this extreme in the asked direction if there were no difference. */
  p_value: number;
}

/**
 * `canary` against `baseline`, both of finite numbers and at least one value each.
 *   canary [1,2,3], baseline [1,2,3]           → U 4.5, p 0.5+ (no evidence)
 *   canary 20× 0.2, baseline 20× 0.0, greater  → p < 0.0001
 */
export function mannWhitneyU(canary: readonly number[], baseline: readonly number[], alternative: Alternative): MannWhitneyResult {
  const n1 = canary.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitneyU needs at least one value on each side');
  const { ranks, tieTerm } = rankWithTies([...canary, ...baseline]);
  const rankSum = ranks.slice(0, n1).reduce((sum, r) => sum + r, 0);
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, p_value: 1 };
  const sigma = Math.sqrt(variance);
  const upper = 1 - standardNormalCdf((u - mean - 0.5) / sigma);
  const lower = standardNormalCdf((u - mean + 0.5) / sigma);
  const z = (u - mean) / sigma;
  const p = alternative === 'greater' ? upper : alternative === 'less' ? lower : Math.min(1, 2 * Math.min(upper, lower));
  return { u, z, p_value: clamp01(p) };
}

/** Average ranks (1-based) of `values` in their order, and Σ(t³ − t) over the groups of ties. */
function rankWithTies(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) ranks[order[k]!.index] = rank;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

/** Φ(x) through erf (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
export function standardNormalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** The median of finite values; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
