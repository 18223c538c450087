/**
 * Evidence (CONTRACT §4): append-only records that a release passed or failed one check,
 * posted by CI or written by Ferry itself. The newest record of each check counts; older
 * ones stay as history, so a person can always see why a release was admitted or refused.
 */

/** The eight checks every release is judged on unless its service requires fewer. */
export const BUILTIN_CHECKS = ['quality', 'performance', 'security', 'cost', 'rollout', 'rollback', 'ops', 'replay'] as const;
export type BuiltinCheck = (typeof BUILTIN_CHECKS)[number];

/** A team's own check: `x-` and a short kebab-case name. */
const CUSTOM_CHECK = /^x-[a-z0-9-]{1,40}$/;

/** True for one of the eight built-in checks or an `x-` custom check. */
export function isCheckName(name: string): boolean {
  return (BUILTIN_CHECKS as readonly string[]).includes(name) || CUSTOM_CHECK.test(name);
}

/** Who wrote a record: CI through the API, or Ferry from a canary, a drill or a replay. */
export type EvidenceSource = string;
export const FERRY_SOURCE = 'ferry';

export interface Evidence {
  /** Grows with every record, so "newest" is "highest id" even within one millisecond. */
  id: number;
  service: string;
  version: string;
  check: string;
  passed: boolean;
  summary: string | null;
  url: string | null;
  details: Record<string, unknown> | null;
  source: EvidenceSource;
  actor: string;
  correlation_id: string;
  recorded_at: number;
}

export type EvidenceDraft = Omit<Evidence, 'id'>;
