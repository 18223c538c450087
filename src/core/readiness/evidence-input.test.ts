/** What a caller may post as evidence: each refusal with its stable reason. */
import { describe, expect, it } from 'vitest';
import { checkEvidenceInput, MAX_DETAILS_BYTES } from './evidence-input.js';

describe('checkEvidenceInput', () => {
  it.each([
    [{ check: 'quality', passed: true }],
    [{ check: 'x-load-test', passed: false, summary: 's'.repeat(2000), url: 'https://ci.test/run/1', details: { tests: 3 }, source: 'github-actions' }],
    // CI posts rollout and rollback (a rollback rehearsal) until Ferry writes its own drills.
    [{ check: 'rollout', passed: true, source: 'ci' }],
    [{ check: 'rollback', passed: false }],
  ])('accepts %j', (input) => {
    expect(checkEvidenceInput(input)).toEqual({ ok: true });
  });

  it.each([
    ['unknown_check', { check: 'lint', passed: true }],
    ['unknown_check', { check: 'x-', passed: true }],
    ['unknown_check', { check: 'X-Load', passed: true }],
    ['summary_too_long', { check: 'quality', passed: true, summary: 's'.repeat(2001) }],
    ['invalid_evidence_url', { check: 'quality', passed: true, url: 'ftp://ci.test/x' }],
    ['invalid_evidence_url', { check: 'quality', passed: true, url: 'not a url' }],
    ['invalid_evidence_url', { check: 'quality', passed: true, url: `https://ci.test/${'a'.repeat(2048)}` }],
    ['credentials_in_url', { check: 'quality', passed: true, url: 'https://u:p@ci.test/x' }],
    ['details_too_large', { check: 'quality', passed: true, details: { blob: 'x'.repeat(MAX_DETAILS_BYTES) } }],
    // A caller-posted replay would admit a release that never ran a staging replay.
    ['check_reserved', { check: 'replay', passed: true }],
    ['check_reserved', { check: 'replay', passed: true, source: 'ci' }],
    ['check_reserved', { check: 'replay', passed: false }],
    ['source_reserved', { check: 'rollout', passed: true, source: 'ferry' }],
    ['invalid_source', { check: 'quality', passed: true, source: 'Has Spaces' }],
  ])('refuses with %s: %j', (reason, input) => {
    expect(checkEvidenceInput(input)).toMatchObject({ ok: false, reason });
  });
});

it('names the command that writes replay evidence', () => {
  expect(checkEvidenceInput({ check: 'replay', passed: true })).toEqual({ ok: false, reason: 'check_reserved', message: "replay evidence is written by Ferry's staging replay: run ferry replay S V" });
});
