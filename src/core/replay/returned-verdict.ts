/**
 * The verdict of a replay after a rollback, as a pure function: the instances a rollback
 * returned answered the recorded requests; each is judged, and the run passes when each
 * does. Differences name their instance.
 *
 * - With a stored baseline (the candidate answers of the latest passed release replay of
 *   that version, and the noise it learnt), every instance is compared with it. A
 *   baseline cut short by the stored-answers cap covers its first requests only; the rest
 *   get the no-baseline verdict.
 * - Without one, every instance must answer every request below 500 with no transport
 *   error (no-baseline-verdict.ts). With three or more instances they are also compared
 *   with each other (the first two are the stable pair, what they disagree on is noise),
 *   so one that answers unlike the others is caught; with one or two that comparison
 *   proves nothing (an instance against itself; two whose every disagreement is noise),
 *   so it is not made and the verdict says `noise_filtering: false`.
 *
 *   no baseline, [200] [500]          -> failed (instance 2: status 500)
 *   no baseline, [200] [200] [404]    -> failed (instance 3: status differs from the pair)
 */
import { compareAnswers, DEFAULT_DIFFERENCES_KEPT, type CompareOptions, type ReplayAnswer, type ReplayDifference, type ReplayVerdict } from './compare-answers.js';
import { judgeWithoutBaseline } from './no-baseline-verdict.js';

/** Fewest instances compared with each other for noise filtering to mean anything. */
export const MIN_INSTANCES_TO_COMPARE = 3;

export interface ReturnedAnswers {
  instance_id: string;
  /** Index-aligned with the recorded requests. */
  answers: ReplayAnswer[];
}

export interface StoredBaseline {
  answers: ReplayAnswer[];
  noise_fields: string[];
}

export function judgeReturnedAnswers(returned: ReturnedAnswers[], baseline: StoredBaseline | null, spec: CompareOptions, endpoints: string[]): ReplayVerdict {
  const requests = endpoints.length;
  return combine(
    returned.map(({ instance_id, answers }) => ({ instance_id, parts: judgeOne(answers, returned, baseline, spec, endpoints) })),
    requests,
  );
}

/** A part of one instance's verdict; its request indexes count from `offset`. */
interface Part {
  verdict: ReplayVerdict;
  offset: number;
}

function judgeOne(answers: ReplayAnswer[], all: ReturnedAnswers[], baseline: StoredBaseline | null, spec: CompareOptions, endpoints: string[]): Part[] {
  if (baseline !== null && baseline.answers.length > 0) {
    const covered = Math.min(baseline.answers.length, answers.length);
    const compared = compareAnswers(answers.slice(0, covered), [baseline.answers.slice(0, covered)], { ...spec, noise: baseline.noise_fields }, endpoints.slice(0, covered));
    // Requests past the baseline's end are judged alone; those it covers, by the comparison.
    const rest = { ...judgeWithoutBaseline(answers.slice(covered)), noise_filtering: compared.noise_filtering };
    return covered < answers.length ? [{ verdict: compared, offset: 0 }, { verdict: rest, offset: covered }] : [{ verdict: compared, offset: 0 }];
  }
  const alone = judgeWithoutBaseline(answers);
  if (all.length < MIN_INSTANCES_TO_COMPARE) return [{ verdict: alone, offset: 0 }];
  const compared = compareAnswers(answers, [all[0]!.answers, all[1]!.answers], spec, endpoints);
  // The no-baseline part says nothing about noise: the comparison beside it does.
  return [
    { verdict: { ...alone, noise_filtering: compared.noise_filtering }, offset: 0 },
    { verdict: compared, offset: 0 },
  ];
}

/** One verdict over every returned instance: it passes when each does; differences name their instance. */
function combine(perInstance: Array<{ instance_id: string; parts: Part[] }>, requests: number): ReplayVerdict {
  const differences: Array<ReplayDifference & { instance_id: string }> = [];
  const noise = new Set<string>();
  const failing = new Set<number>();
  let passed = true;
  let differenceCount = 0;
  let noiseFiltering = true;
  let unreliable = false;
  for (const { instance_id, parts } of perInstance) {
    for (const { verdict, offset } of parts) {
      passed &&= verdict.passed;
      unreliable ||= verdict.stable_unreliable === true;
      noiseFiltering &&= verdict.noise_filtering;
      differenceCount += verdict.difference_count;
      for (const field of verdict.noise_fields) noise.add(field);
      for (const d of verdict.differences) {
        failing.add(d.request + offset);
        differences.push({ ...d, request: d.request + offset, instance_id });
      }
    }
  }
  return {
    passed,
    requests,
    differing_requests: failing.size,
    difference_count: differenceCount,
    differences: differences.slice(0, DEFAULT_DIFFERENCES_KEPT),
    noise_filtered: noise.size,
    noise_fields: [...noise].sort(),
    noise_filtering: noiseFiltering,
    stable_unreliable: unreliable,
  };
}
