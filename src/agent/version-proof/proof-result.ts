/**
 * What every proof of `version-proof/` is given and answers: kept apart from the entry
 * point (`prove-version.ts`), so the three proofs and the entry point that picks one do
 * not import each other.
 */
import type { Reason } from '../../core/types.js';
import type { VersionSource } from '../../core/version-check.js';
import type { ProcessIdentity } from '../process-liveness.js';

/** What a proof needs to know about the instance besides its check. */
export interface ProofTarget {
  instanceId: string;
  port: number;
  /** `<root>/<service>/releases`: a process proof's version is the directory under it the process runs from. */
  releasesDir: string;
  /** The process the agent started (pid and start time); null when none runs. */
  started: ProcessIdentity | null;
  /** The version the instance should run: a command's output must contain it. */
  expectedVersion: string | null;
  /** A command check's working directory (the instance's `current`) and environment (the instance's). */
  cwd: string;
  env: Record<string, string>;
  /** The service's start command, for a process proof of a listener whose command line names no file; null when unknown. */
  start?: string | null;
}

/**
 * A proof's outcome:
 * - `proven`: the version, and how a person can check it by hand;
 * - `pending`: nothing to judge yet (no answer, no listener): ask again until the deadline;
 * - `unavailable`: an answer without a version (404, non-JSON, no field): a start fails
 *   fast when this persists (`version-unavailable.ts`);
 * - `mismatch`: a command's output does not contain the expected version;
 * - `refused`: the code on the port is not the code Ferry started (drift);
 * - `failed`: the check itself could not run to its end (a command that hangs or floods).
 */
export type ProofResult =
  | { kind: 'proven'; version: string; source: VersionSource }
  | { kind: 'pending'; why: string }
  | { kind: 'unavailable'; why: string }
  | { kind: 'mismatch'; why: string }
  | { kind: 'refused'; refusal: Reason }
  | { kind: 'failed'; code: string; message: string };
