/**
 * One measurement of one analysis query: its verdict, the values that decided it and a
 * sentence saying why, filed under the operation and the phase it was taken in
 * (analysisPhaseOf). Stored as taken (migration 018); the judge reads them back.
 */

export type MeasurementVerdict = 'successful' | 'failed' | 'inconclusive';

/** What the values were: `values` of a threshold query, both sides of a compare, HAProxy counters… (JSON). */
export type MeasurementValues = Record<string, unknown>;

/** What a provider or a verdict function answers for one query. */
export interface QueryVerdict {
  verdict: MeasurementVerdict;
  values: MeasurementValues;
  /** A sentence for a person: what was measured and why that verdict. */
  reason: string;
}

export interface AnalysisMeasurement extends QueryVerdict {
  id: number;
  operation_id: string;
  phase: string;
  /** The query's `name`. */
  query: string;
  measured_at: number;
}

/** A measurement before the store numbers it. */
export type AnalysisMeasurementDraft = Omit<AnalysisMeasurement, 'id'>;

/**
 * A measurement that only records a starting point and judges nothing: HAProxy's
 * counters are totals since it started, so the first reading of an operation is the
 * base the next one's deltas are taken from. The judge does not count it.
 */
export function isStartingReading(measurement: Pick<AnalysisMeasurement, 'values'>): boolean {
  return measurement.values.starting_reading === true;
}

/** A number as reasons show it: at most four significant digits, `NaN` as `no number`. */
export function shownValue(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'no number (NaN)' : String(value);
  if (value === 0 || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** At most this many raw values are kept with a measurement; the reason names the deciding one. */
export const MAX_KEPT_VALUES = 50;
