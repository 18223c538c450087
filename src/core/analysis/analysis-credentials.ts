/**
 * A Prometheus address may carry credentials (`https://user:secret@prometheus…`). They stay
 * in the stored spec, which the analysis runner uses, and nowhere else: a service's plan,
 * its audit event and what a caller below admin reads show `***` in their place.
 */
import type { AnalysisSpec } from './analysis-spec.js';

export const MASK = '***';

export function analysisWithoutCredentials(analysis: AnalysisSpec | null): AnalysisSpec | null {
  if (analysis === null || analysis.address === undefined) return analysis;
  try {
    const url = new URL(analysis.address);
    if (url.username === '' && url.password === '') return analysis;
    url.username = MASK;
    url.password = '';
    return { ...analysis, address: url.toString() };
  } catch {
    return { ...analysis, address: MASK };
  }
}
