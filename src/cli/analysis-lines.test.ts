import { describe, expect, it } from 'vitest';
import { analysisLines, hasAnalysis, type AnalysisView } from './analysis-lines.js';

const measurement = (query: string, verdict: string, at: string, reason: string) => ({ phase: 'step-1', query, verdict, measured_at: at, reason });

describe('analysisLines', () => {
  it('the judgement, then the newest verdict of each query', () => {
    const view: AnalysisView = {
      judgement: { phase: 'step-1', state: 'failed', dry_run: false, reason: { code: 'analysis_failed', message: 'analysis query errors failed once (failure_limit 0)' } },
      measurements: [
        measurement('errors', 'successful', '2026-12-01T12:00:00.000Z', 'query errors returned 0, meeting success "< 0.05"'),
        measurement('latency', 'successful', '2026-12-01T12:00:00.000Z', 'query latency returned 0.1, meeting success "< 0.3"'),
        measurement('errors', 'failed', '2026-12-01T12:00:30.000Z', 'query errors returned 0.2, which does not meet success "< 0.05"'),
      ],
    };
    expect(analysisLines(view)).toEqual([
      'analysis step-1: failed (analysis_failed) analysis query errors failed once (failure_limit 0)',
      '  QUERY    VERDICT     PHASE   MEASURED                  REASON',
      '  errors   failed      step-1  2026-12-01T12:00:30.000Z  query errors returned 0.2, which does not meet success "< 0.05"',
      '  latency  successful  step-1  2026-12-01T12:00:00.000Z  query latency returned 0.1, meeting success "< 0.3"',
    ]);
  });

  it('says a dry run is not acted on, and when nothing was measured yet', () => {
    expect(analysisLines({ judgement: { phase: 'rolling', state: 'running', reason: null, dry_run: true }, measurements: [] })).toEqual(['analysis rolling: running (dry run: not acted on)', '  no measurement yet']);
  });

  it('is shown only for a deployment with analysis or measurements', () => {
    expect(hasAnalysis({ judgement: null, measurements: [] })).toBe(false);
    expect(hasAnalysis({ judgement: null, measurements: [measurement('errors', 'failed', 't', 'r')] })).toBe(true);
  });
});
