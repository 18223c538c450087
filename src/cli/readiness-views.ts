/**
 * How the CLI shows evidence and readiness (CONTRACT §4): the API's bodies as types, the
 * evidence table and the verdict's lines. Shared by `ferry evidence`, `ferry readiness`
 * and `ferry release show`.
 */
import { formatTable } from './cli-output.js';

export interface EvidenceView {
  id: number;
  check: string;
  passed: boolean;
  summary: string | null;
  url: string | null;
  source: string;
  actor: string;
  recorded_at: string;
}

export interface ReadinessView {
  service: string;
  version: string;
  admitted: boolean;
  failed_checks: string[];
  missing_checks: string[];
  replay_passed: boolean;
  required?: string[];
  evaluated_at: string;
}

/** One row per record, oldest first: CHECK PASSED AT SOURCE SUMMARY. */
export function evidenceTable(records: EvidenceView[]): string {
  return formatTable(
    ['CHECK', 'PASSED', 'AT', 'SOURCE', 'SUMMARY'],
    records.map((r) => [r.check, r.passed ? 'yes' : 'no', r.recorded_at, r.source, r.summary]),
  );
}

/**
 * The verdict as lines a person reads top down:
 *   web 2.0.0: not admitted (evaluated 2026-01-01T00:00:00.000Z)
 *     failed:  security
 *     missing: cost, ops
 *     replay:  not passed
 */
export function readinessLines(view: ReadinessView): string[] {
  const none = (names: string[]) => (names.length === 0 ? '-' : names.join(', '));
  return [
    `${view.service} ${view.version}: ${view.admitted ? 'admitted' : 'not admitted'} (evaluated ${view.evaluated_at})`,
    `  failed:  ${none(view.failed_checks)}`,
    `  missing: ${none(view.missing_checks)}`,
    `  replay:  ${view.replay_passed ? 'passed' : 'not passed'}`,
  ];
}
