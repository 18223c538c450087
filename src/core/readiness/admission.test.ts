/** Admission, scenario by scenario: missing, stale, failed, passed, replay, newest-wins and ordering. */
import { describe, expect, it } from 'vitest';
import { evaluateAdmission, inCheckOrder } from './admission.js';
import { BUILTIN_CHECKS, type Evidence } from './evidence.js';

const NOW = Date.UTC(2026, 0, 10);
const HOUR = 3_600_000;
let nextId = 1;

/** A record as its writer stores it: replay from Ferry's staging replay, every other check from CI. */
function record(check: string, passed: boolean, ageMs = 0, over: Partial<Evidence> = {}): Evidence {
  const source = check === 'replay' ? 'ferry' : 'ci';
  return { id: nextId++, service: 'web', version: '2.0.0', check, passed, summary: `${check} ${passed ? 'ok' : 'bad'}`, url: null, details: null, source, actor: source, correlation_id: 'c', recorded_at: NOW - ageMs, ...over };
}

const allPassing = () => BUILTIN_CHECKS.map((c) => record(c, true));

describe('evaluateAdmission', () => {
  it.each([
    ['no evidence at all: every check missing', [] as Evidence[], undefined, undefined, { admitted: false, failed_checks: [], missing_checks: [...BUILTIN_CHECKS], replay_passed: false }],
    ['all eight passed', allPassing(), undefined, undefined, { admitted: true, failed_checks: [], missing_checks: [], replay_passed: true }],
    ['one failed', [...allPassing(), record('security', false)], undefined, undefined, { admitted: false, failed_checks: ['security'], missing_checks: [], replay_passed: true }],
    ['one missing', allPassing().filter((e) => e.check !== 'cost'), undefined, undefined, { admitted: false, failed_checks: [], missing_checks: ['cost'], replay_passed: true }],
    ['a stale record counts as missing', [...allPassing().filter((e) => e.check !== 'ops'), record('ops', true, 2 * HOUR)], undefined, 3600, { admitted: false, failed_checks: [], missing_checks: ['ops'], replay_passed: true }],
    ['a stale failure is missing, not failed', [...allPassing().filter((e) => e.check !== 'ops'), record('ops', false, 2 * HOUR)], undefined, 3600, { admitted: false, failed_checks: [], missing_checks: ['ops'], replay_passed: true }],
    ['exactly max_age_s old is still fresh', [...allPassing().filter((e) => e.check !== 'ops'), record('ops', true, HOUR)], undefined, 3600, { admitted: true, failed_checks: [], missing_checks: [], replay_passed: true }],
    ['required subset, all passed, replay passed', [record('quality', true), record('replay', true)], ['quality'], undefined, { admitted: true, failed_checks: [], missing_checks: [], replay_passed: true }],
    ['required subset without replay, no replay record: held, replay unlisted', [record('quality', true)], ['quality'], undefined, { admitted: false, failed_checks: [], missing_checks: [], replay_passed: false }],
    ['required empty, replay passed: admitted', [record('replay', true)], [], undefined, { admitted: true, failed_checks: [], missing_checks: [], replay_passed: true }],
    ['required empty, no evidence: held by replay alone', [], [], undefined, { admitted: false, failed_checks: [], missing_checks: [], replay_passed: false }],
    ['a stale replay is not passed', [record('quality', true), record('replay', true, 2 * HOUR)], ['quality', 'replay'], 3600, { admitted: false, failed_checks: [], missing_checks: ['replay'], replay_passed: false }],
    ['a failed required replay is listed as failed', [record('quality', true), record('replay', false)], ['quality', 'replay'], undefined, { admitted: false, failed_checks: ['replay'], missing_checks: [], replay_passed: false }],
    ['a replay not written by Ferry is ignored: required replay missing', [...allPassing().filter((e) => e.check !== 'replay'), record('replay', true, 0, { source: 'ci' })], undefined, undefined, { admitted: false, failed_checks: [], missing_checks: ['replay'], replay_passed: false }],
    ['a replay not written by Ferry is ignored: unrequired replay not passed', [record('quality', true), record('replay', true, 0, { source: 'jenkins' })], ['quality'], undefined, { admitted: false, failed_checks: [], missing_checks: [], replay_passed: false }],
    ["a forged passed replay newer than Ferry's failed one changes nothing", [record('quality', true), record('replay', false), record('replay', true, 0, { source: 'ci' })], ['quality', 'replay'], undefined, { admitted: false, failed_checks: ['replay'], missing_checks: [], replay_passed: false }],
    ['custom checks count when required', [record('replay', true), record('x-soak', false)], ['x-soak', 'x-load'], undefined, { admitted: false, failed_checks: ['x-soak'], missing_checks: ['x-load'], replay_passed: true }],
  ])('%s', (_name, evidence, required, maxAgeS, expected) => {
    expect(evaluateAdmission({ evidence, required: required ?? null, maxAgeS: maxAgeS ?? null, now: NOW })).toMatchObject(expected);
  });

  it.each([
    ['no replay record', [record('quality', true)]],
    ['a failed replay', [record('quality', true), record('replay', false)]],
    ['a stale replay', [record('quality', true), record('replay', true, 2 * HOUR)]],
  ])('replay holds the release even when required leaves it out: %s refuses, unlisted', (_name, evidence) => {
    const verdict = evaluateAdmission({ evidence, required: ['quality'], maxAgeS: 3600, now: NOW });
    expect(verdict).toEqual(expect.objectContaining({ admitted: false, failed_checks: [], missing_checks: [], replay_passed: false }));
    expect(verdict).not.toHaveProperty('replay_required');
  });

  it('a fresh passed replay admits when required leaves it out', () => {
    expect(evaluateAdmission({ evidence: [record('quality', true), record('replay', true)], required: ['quality'], maxAgeS: 3600, now: NOW }).admitted).toBe(true);
  });

  it('the newest record (highest id) counts, whatever the order or timestamps', () => {
    const failedLater = record('quality', false, 5000);
    const passedEarlierId = { ...record('quality', true, 0), id: failedLater.id - 100 };
    const verdict = evaluateAdmission({ evidence: [failedLater, passedEarlierId, record('replay', true)], required: ['quality'], now: NOW });
    expect(verdict.failed_checks).toEqual(['quality']);
    expect(verdict.checks.quality).toMatchObject({ passed: false, at: NOW - 5000 });
  });

  it('a pass after a failure admits again', () => {
    const verdict = evaluateAdmission({ evidence: [record('quality', false), record('quality', true), record('replay', true)], required: ['quality'], now: NOW });
    expect(verdict.admitted).toBe(true);
  });

  it('reports every check that has a record, required or not, with source, summary, url and freshness', () => {
    const verdict = evaluateAdmission({
      evidence: [record('x-extra', true, 0, { url: 'https://ci.test/1' }), record('quality', true, 2 * HOUR, { source: 'jenkins' })],
      required: ['quality'],
      maxAgeS: 3600,
      now: NOW,
    });
    expect(Object.keys(verdict.checks)).toEqual(['quality', 'x-extra']);
    expect(verdict.checks.quality).toEqual({ passed: true, at: NOW - 2 * HOUR, source: 'jenkins', summary: 'quality ok', url: null, fresh: false });
    expect(verdict.checks['x-extra']).toEqual({ passed: true, at: NOW, source: 'ci', summary: 'x-extra ok', url: 'https://ci.test/1', fresh: true });
  });

  it('lists failed and missing checks built-ins first in their order, then custom ones alphabetically', () => {
    const verdict = evaluateAdmission({ evidence: [record('x-b', false), record('ops', false), record('quality', false)], required: ['x-b', 'x-a', 'ops', 'security', 'quality'], now: NOW });
    expect(verdict.failed_checks).toEqual(['quality', 'ops', 'x-b']);
    expect(verdict.missing_checks).toEqual(['security', 'x-a']);
  });

  it('a record from the future (clock skew) is fresh', () => {
    expect(evaluateAdmission({ evidence: [record('replay', true, -60_000)], required: [], maxAgeS: 1, now: NOW }).admitted).toBe(true);
  });
});

describe('inCheckOrder', () => {
  it.each([
    [['x-b', 'replay', 'quality', 'x-a'], ['quality', 'replay', 'x-a', 'x-b']],
    [[...BUILTIN_CHECKS].reverse(), [...BUILTIN_CHECKS]],
    [[], []],
  ])('%j → %j', (names, expected) => {
    expect(inCheckOrder(names)).toEqual(expected);
  });
});
