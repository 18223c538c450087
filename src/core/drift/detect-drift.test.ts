import { describe, expect, it } from 'vitest';
import { makeInstance, makeTarget } from '../../testing/builders.js';
import type { Instance } from '../types.js';
import { answersExpected, detectDrift, versionExpectation } from './detect-drift.js';
import { answering } from '../../testing/drift-fixtures.js';

const REGISTERED = new Set(['v1', 'v2', 'v3']);
const drift = (instance: Instance, desired: string | null = 'v2', target = undefined as Parameters<typeof versionExpectation>[2]) =>
  detectDrift(instance, versionExpectation(instance, desired, target), REGISTERED);

describe('versionExpectation', () => {
  it.each([
    ['no target', undefined, { kind: 'expected', version: 'v2' }],
    ['pending', makeTarget('i1', 'v2', 'v3'), { kind: 'expected', version: 'v2' }],
    ['skipped', makeTarget('i1', 'v2', 'v3', { status: 'skipped' }), { kind: 'expected', version: 'v2' }],
    ['succeeded', makeTarget('i1', 'v2', 'v3', { status: 'succeeded' }), { kind: 'expected', version: 'v3' }],
    ['reverted', makeTarget('i1', 'v2', 'v3', { status: 'reverted' }), { kind: 'expected', version: 'v2' }],
    ['deploying', makeTarget('i1', 'v2', 'v3', { status: 'deploying' }), { kind: 'in_flight' }],
    ['failed (a revert may follow)', makeTarget('i1', 'v2', 'v3', { status: 'failed' }), { kind: 'in_flight' }],
  ] as const)('%s', (_name, target, expected) => {
    expect(versionExpectation(makeInstance('i1', 'v2'), 'v2', target)).toEqual(expected);
  });

  it('a pin wins over the desired version', () => {
    expect(versionExpectation(makeInstance('i1', 'v1', { pinned_version: 'v1' }), 'v2', undefined)).toEqual({ kind: 'expected', version: 'v1' });
  });
});

describe('detectDrift', () => {
  it('drifted: a settled instance answers a version other than the one it should run', () => {
    expect(drift(answering('i1', 'v1', 'v2'))).toEqual({ reason: { code: 'version_mismatch', message: 'instance i1 answered version v1, expected v2' }, expected: 'v2', observed: 'v1' });
  });

  it('drifted: a pinned instance answering the desired version instead of its pin', () => {
    expect(drift(answering('i1', 'v2', 'v1', {}, { pinned_version: 'v1' }))?.expected).toBe('v1');
  });

  it('drifted: a version that is no registered release, even with no desired version', () => {
    expect(drift(answering('i1', 'v9', 'v2'), null)?.reason.code).toBe('unregistered_version');
  });

  it('drifted: the reason says how the wrong version was proven', () => {
    const proof = { source: { type: 'process' as const, detail: 'pid 42 (node) listens on :7001, cwd and script in releases/v1' }, refusal: null };
    expect(drift(answering('i1', 'v1', 'v2', { proof }))?.reason.message).toBe('instance i1 answered version v1 (proven by process: pid 42 (node) listens on :7001, cwd and script in releases/v1), expected v2');
  });

  it.each([
    ['a foreign listener holds the port, whatever it answered', 'foreign_listener', null, 'crashed'],
    ['the listener runs from outside the release', 'outside_release', 'v2', 'ready'],
  ] as const)('drifted: %s', (_name, code, answered, status) => {
    const refusal = { code, message: `instance i1: ${code}` };
    expect(drift(answering('i1', answered, 'v2', { status, proof: { source: null, refusal } }))).toEqual({ reason: refusal, expected: 'v2', observed: answered });
  });

  it.each<[string, Instance]>([
    ['in flight', answering('i1', null, 'v3', { proof: { source: null, refusal: { code: 'foreign_listener', message: 'm' } } })],
    ['still starting', answering('i1', null, 'v2', { status: 'starting', proof: { source: null, refusal: { code: 'foreign_listener', message: 'm' } } })],
  ])('a refusal is not drift while %s', (name, instance) => {
    const target = name === 'in flight' ? makeTarget('i1', 'v2', 'v3', { status: 'deploying' }) : undefined;
    expect(drift(instance, 'v2', target)).toBeNull();
  });

  it.each<[string, Instance, string | null]>([
    ['it answers the version it should run', makeInstance('i1', 'v2'), 'v2'],
    ['a pinned instance answering its pin', makeInstance('i1', 'v1', { pinned_version: 'v1' }), 'v2'],
    ['on the version Ferry last sent it to', makeInstance('i1', 'v3'), 'v2'],
    ['removed from the service', answering('i1', 'v1', 'v2', {}, { removed_at: 1 }), 'v2'],
    ['never reported', makeInstance('i1', null), 'v2'],
    ['no desired version and no pin', answering('i1', 'v1', 'v2'), null],
    ['still working on its goal', answering('i1', 'v1', 'v2', { achieved_generation: 0 }), 'v2'],
    ['stopped', answering('i1', 'v1', 'v2', { status: 'stopped' }), 'v2'],
    ['starting', answering('i1', 'v1', 'v2', { status: 'starting' }), 'v2'],
    ['its version probe did not answer', answering('i1', null, 'v2', { status: 'unhealthy' }), 'v2'],
  ])('not drifted: %s', (_name, instance, desired) => {
    expect(drift(instance, desired)).toBeNull();
  });

  it('not drifted: an operation is changing it', () => {
    expect(drift(answering('i1', 'v1', 'v3'), 'v2', makeTarget('i1', 'v2', 'v3', { status: 'deploying' }))).toBeNull();
  });
});

describe('answersExpected', () => {
  it('only a ready instance on the expected version with its goal achieved', () => {
    const expected = { kind: 'expected', version: 'v2' } as const;
    expect(answersExpected(makeInstance('i1', 'v2'), expected)).toBe(true);
    expect(answersExpected(answering('i1', 'v2', 'v2', { status: 'unhealthy' }), expected)).toBe(false);
    expect(answersExpected(answering('i1', 'v2', 'v2', { achieved_generation: 0 }), expected)).toBe(false);
    expect(answersExpected(makeInstance('i1', 'v2'), { kind: 'in_flight' })).toBe(false);
  });
});
