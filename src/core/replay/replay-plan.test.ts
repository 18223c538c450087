import { describe, expect, it } from 'vitest';
import { isNoBaselineReplay, keepsAnswersAsBaseline, planReleaseReplay } from './replay-plan.js';

describe('planReleaseReplay', () => {
  it.each([
    { name: 'a first release (no desired version) runs without a baseline', desired: null, ready: 0, kind: 'no_baseline', baseline: null },
    { name: 'no desired version, even with ready instances of some partial deployment', desired: null, ready: 2, kind: 'no_baseline', baseline: null },
    { name: 'a desired version with two ready instances is compared with', desired: 'v1', ready: 2, kind: 'compare', baseline: 'v1' },
    { name: 'one ready instance is enough to compare (without noise filtering)', desired: 'v1', ready: 1, kind: 'compare', baseline: 'v1' },
    { name: 'a desired version with no ready instance is refused', desired: 'v1', ready: 0, kind: 'refused', baseline: undefined },
  ])('$name', ({ desired, ready, kind, baseline }) => {
    const plan = planReleaseReplay({ service: 'web', desired_version: desired, ready_on_desired: ready });
    expect(plan.kind).toBe(kind);
    if (plan.kind === 'refused') {
      expect(plan.code).toBe('replay_needs_stable');
      expect(plan.message).toContain('desired version v1');
    } else expect(plan.baseline_version).toBe(baseline);
  });
});

describe('the kind of a stored run', () => {
  it.each([
    { purpose: 'release', baseline_version: null, noBaseline: true },
    { purpose: 'release', baseline_version: 'v1', noBaseline: false },
    { purpose: 'rollback', baseline_version: 'v1', noBaseline: false },
  ])('$purpose against $baseline_version → no baseline: $noBaseline', ({ purpose, baseline_version, noBaseline }) => {
    expect(isNoBaselineReplay({ purpose, baseline_version })).toBe(noBaseline);
  });

  it.each([
    { name: 'a passed compared release replay keeps its answers', purpose: 'release', baseline_version: 'v1', passed: true, count: 5, keeps: true },
    { name: 'a passed no-baseline replay does not: it learnt no noise', purpose: 'release', baseline_version: null, passed: true, count: 5, keeps: false },
    { name: 'a failed replay does not', purpose: 'release', baseline_version: 'v1', passed: false, count: 5, keeps: false },
    { name: 'a rollback replay does not', purpose: 'rollback', baseline_version: 'v1', passed: true, count: 5, keeps: false },
    { name: 'too many answers are not kept', purpose: 'release', baseline_version: 'v1', passed: true, count: 11, keeps: false },
  ])('$name', ({ purpose, baseline_version, passed, count, keeps }) => {
    expect(keepsAnswersAsBaseline({ purpose, baseline_version, passed }, count, 10)).toBe(keeps);
  });
});
