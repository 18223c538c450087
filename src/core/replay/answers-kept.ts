/**
 * How many of a passed replay's candidate answers are stored as a later rollback replay's
 * baseline: a prefix, bounded in total bytes (`MAX_KEPT_ANSWER_BYTES`) and count, so one
 * row never holds 2000 answers of 256 KiB. Answers past the cap are dropped and the
 * count of dropped ones is reported (the `replay_completed` event carries it); a baseline
 * cut short covers its first requests only (returned-verdict.ts).
 *
 *   3 answers of 5 MiB, cap 8 MiB -> keeps 1, drops 2
 */
import type { ReplayAnswer } from './compare-answers.js';

export const MAX_KEPT_ANSWER_BYTES = 8 * 1024 * 1024;

export interface KeptAnswers {
  kept: ReplayAnswer[];
  dropped: number;
}

export function keepAnswers(answers: ReplayAnswer[], limits: { maxBytes?: number; maxAnswers?: number } = {}): KeptAnswers {
  const maxBytes = limits.maxBytes ?? MAX_KEPT_ANSWER_BYTES;
  const maxAnswers = limits.maxAnswers ?? Number.POSITIVE_INFINITY;
  let bytes = 0;
  let count = 0;
  for (const answer of answers) {
    const size = answerBytes(answer);
    if (count >= maxAnswers || bytes + size > maxBytes) break;
    bytes += size;
    count += 1;
  }
  return { kept: answers.slice(0, count), dropped: answers.length - count };
}

/** The size an answer takes in the stored JSON (UTF-8 bytes). */
export function answerBytes(answer: ReplayAnswer): number {
  return new TextEncoder().encode(JSON.stringify(answer)).length;
}
