/**
 * Safety properties of admission over random evidence and a fake clock: admitted implies
 * nothing failed or missing and replay passed; adding a passing fresh record never
 * un-admits; failed and missing never overlap and only name required checks; a replay
 * record not written by Ferry changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAdmission } from './admission.js';
import { BUILTIN_CHECKS, type Evidence } from './evidence.js';

const NOW = Date.UTC(2026, 0, 10);
const CHECKS = [...BUILTIN_CHECKS, 'x-load', 'x-soak'];

/** Any check from any writer: a replay record from a source other than ferry must never count. */
const recordArb = fc.record({ check: fc.constantFrom(...CHECKS), passed: fc.boolean(), ageS: fc.integer({ min: 0, max: 7200 }), source: fc.constantFrom('ferry', 'ci') });
const inputArb = fc.record({
  records: fc.array(recordArb, { maxLength: 40 }),
  required: fc.option(fc.subarray(CHECKS), { nil: null }),
  maxAgeS: fc.option(fc.integer({ min: 1, max: 7200 }), { nil: null }),
});

function evidenceOf(records: Array<{ check: string; passed: boolean; ageS: number; source: string }>): Evidence[] {
  return records.map((r, i) => ({ id: i + 1, service: 'web', version: '2.0.0', check: r.check, passed: r.passed, summary: null, url: null, details: null, source: r.source, actor: r.source, correlation_id: 'c', recorded_at: NOW - r.ageS * 1000 }));
}

describe('evaluateAdmission properties', () => {
  it('admitted ⇔ no failed, no missing and replay passed; failed and missing are disjoint required checks', () => {
    fc.assert(
      fc.property(inputArb, ({ records, required, maxAgeS }) => {
        const verdict = evaluateAdmission({ evidence: evidenceOf(records), required, maxAgeS, now: NOW });
        expect(verdict.admitted).toBe(verdict.failed_checks.length === 0 && verdict.missing_checks.length === 0 && verdict.replay_passed);
        // Replay holds the release whatever `required` says: admitted never without a passed replay.
        if (verdict.admitted) expect(verdict.replay_passed).toBe(true);
        // replay_passed is exactly "the newest replay record Ferry wrote passed and is fresh", required or not.
        const replays = records.map((r, i) => ({ ...r, id: i + 1 })).filter((r) => r.check === 'replay' && r.source === 'ferry');
        const newestReplay = replays[replays.length - 1];
        expect(verdict.replay_passed).toBe(newestReplay !== undefined && newestReplay.passed && (maxAgeS === null || newestReplay.ageS <= maxAgeS));
        const requiredSet = new Set(required ?? BUILTIN_CHECKS);
        for (const name of [...verdict.failed_checks, ...verdict.missing_checks]) expect(requiredSet.has(name)).toBe(true);
        expect(verdict.failed_checks.filter((c) => verdict.missing_checks.includes(c))).toEqual([]);
        expect(verdict.failed_checks.length + verdict.missing_checks.length).toBeLessThanOrEqual(requiredSet.size);
      }),
    );
  });

  it('adding a passing fresh record of any check never un-admits, and clears that check', () => {
    fc.assert(
      fc.property(inputArb, fc.constantFrom(...CHECKS), ({ records, required, maxAgeS }, check) => {
        const evidence = evidenceOf(records);
        const before = evaluateAdmission({ evidence, required, maxAgeS, now: NOW });
        const after = evaluateAdmission({ evidence: [...evidence, { ...evidenceOf([{ check, passed: true, ageS: 0, source: 'ferry' }])[0]!, id: evidence.length + 1 }], required, maxAgeS, now: NOW });
        if (before.admitted) expect(after.admitted).toBe(true);
        expect(after.failed_checks).not.toContain(check);
        expect(after.missing_checks).not.toContain(check);
        expect(after.failed_checks.length + after.missing_checks.length).toBeLessThanOrEqual(before.failed_checks.length + before.missing_checks.length);
      }),
    );
  });

  it('the order records arrive in does not matter: only ids decide which is newest', () => {
    fc.assert(
      fc.property(inputArb, fc.integer(), ({ records, required, maxAgeS }, seed) => {
        const evidence = evidenceOf(records);
        const shuffled = [...evidence].sort((a, b) => ((a.id * 2654435761) ^ seed) - ((b.id * 2654435761) ^ seed));
        expect(evaluateAdmission({ evidence: shuffled, required, maxAgeS, now: NOW })).toEqual(evaluateAdmission({ evidence, required, maxAgeS, now: NOW }));
      }),
    );
  });

  it('replay records a caller wrote never change the verdict, whatever they say', () => {
    fc.assert(
      fc.property(inputArb, fc.array(fc.record({ passed: fc.boolean(), ageS: fc.integer({ min: 0, max: 7200 }) }), { minLength: 1, maxLength: 5 }), ({ records, required, maxAgeS }, forged) => {
        const evidence = evidenceOf(records);
        const forgedRecords = evidenceOf(forged.map((f) => ({ ...f, check: 'replay', source: 'ci' }))).map((e, i) => ({ ...e, id: evidence.length + i + 1 }));
        expect(evaluateAdmission({ evidence: [...evidence, ...forgedRecords], required, maxAgeS, now: NOW })).toEqual(evaluateAdmission({ evidence, required, maxAgeS, now: NOW }));
      }),
    );
  });
});
