/**
 * The conditions an analysis query's `success` and `failure` state (CONTRACT §5):
 * an operator and a number, `"< 0.01"`, `">= 0.995"`. A value that is not a finite number
 * (NaN from a rate over no requests, ±Inf, no value at all) meets no condition: the
 * measurement is then inconclusive, never a success.
 */

export type ConditionOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface AnalysisCondition {
  operator: ConditionOperator;
  threshold: number;
  /** As the operator wrote it, for reasons. */
  text: string;
}

export type ParsedCondition = { ok: true; condition: AnalysisCondition } | { ok: false; message: string };

const CONDITION = /^\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*$/;

/**
 *   "< 0.01"   → { operator '<', threshold 0.01 }
 *   ">=0.995"  → { operator '>=', threshold 0.995 }
 *   "about 1"  → not ok
 */
export function parseCondition(text: string): ParsedCondition {
  const match = CONDITION.exec(text);
  if (match === null) return { ok: false, message: `"${text}" is not a condition such as "< 0.01" or ">= 0.995"` };
  const threshold = Number(match[2]);
  if (!Number.isFinite(threshold)) return { ok: false, message: `"${text}" has a threshold that is not a finite number` };
  return { ok: true, condition: { operator: match[1] as ConditionOperator, threshold, text: `${match[1]} ${match[2]}` } };
}

/** True or false for a finite value; null (undecidable) for NaN, ±Inf or no value. */
export function meetsCondition(condition: AnalysisCondition, value: number | null | undefined): boolean | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const t = condition.threshold;
  switch (condition.operator) {
    case '<':
      return value < t;
    case '<=':
      return value <= t;
    case '>':
      return value > t;
    case '>=':
      return value >= t;
    case '==':
      return value === t;
    case '!=':
      return value !== t;
  }
}

/**
 * Which way is worse for a value judged by `success`: `"< 0.01"` wants small values, so a
 * greater canary is worse; `">= 0.995"` wants large ones, so a smaller canary is worse;
 * `==` and `!=` say no direction (a compare query then tests both ways).
 */
export function worseDirectionOf(success: AnalysisCondition): 'greater' | 'less' | 'either' {
  if (success.operator === '<' || success.operator === '<=') return 'greater';
  if (success.operator === '>' || success.operator === '>=') return 'less';
  return 'either';
}
