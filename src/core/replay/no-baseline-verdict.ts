/**
 * The verdict of a replay with no baseline (a service's first release, replay-plan.ts):
 * with no desired version to compare with, the candidate passes when every recorded
 * request is answered (no transport error, no timeout) with a status below 500. A 4xx is
 * an answer: recorded traffic may well hold requests that should be refused.
 *
 * Each failing request is one difference: `field: "transport"` with the error as
 * `actual` when no answer came (the sender records it as status 0), else `field:
 * "status"` with the status; `expected` is always `"< 500"`. There is no noise to learn
 * (`noise_filtering: false`), and `max_diff_ratio` does not apply: it is a tolerance for
 * answers that differ from the desired version, not for server errors.
 *
 *   [200, 404, 503, no answer] -> failed; differences on requests 2 (status 503) and 3 (transport)
 */
import { DEFAULT_DIFFERENCES_KEPT, type ReplayAnswer, type ReplayDifference, type ReplayVerdict } from './compare-answers.js';

export const NO_BASELINE_EXPECTED = '< 500';

export function judgeWithoutBaseline(candidate: ReplayAnswer[], opts: { maxDifferencesKept?: number } = {}): ReplayVerdict {
  const kept = opts.maxDifferencesKept ?? DEFAULT_DIFFERENCES_KEPT;
  const differences: ReplayDifference[] = [];
  let failing = 0;
  candidate.forEach((answer, request) => {
    const difference = failureOf(answer, request);
    if (difference === null) return;
    failing += 1;
    if (differences.length < kept) differences.push(difference);
  });
  return {
    passed: failing === 0,
    requests: candidate.length,
    differing_requests: failing,
    difference_count: failing,
    differences,
    noise_filtered: 0,
    noise_fields: [],
    noise_filtering: false,
  };
}

function failureOf(answer: ReplayAnswer, request: number): ReplayDifference | null {
  if (answer.status === 0) return { request, field: 'transport', expected: NO_BASELINE_EXPECTED, actual: answer.body };
  if (answer.status >= 500) return { request, field: 'status', expected: NO_BASELINE_EXPECTED, actual: answer.status };
  return null;
}

/**
 * The one line a person reads:
 *   3 requests answered without a server error (no desired version to compare with)
 *   1 of 3 requests got a server error or no answer (no desired version to compare with)
 */
export function noBaselineSummary(requests: number, failing: number): string {
  const tail = '(no desired version to compare with)';
  if (failing === 0) return `${requests} request${requests === 1 ? '' : 's'} answered without a server error ${tail}`;
  return `${failing} of ${requests} request${requests === 1 ? '' : 's'} got a server error or no answer ${tail}`;
}
