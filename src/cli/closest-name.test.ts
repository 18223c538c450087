import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './closest-name.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['hello', 'hello', 0],
    ['helo', 'hello', 1],
    ['hlelo', 'hello', 2],
    ['kitten', 'sitting', 3],
    ['api', 'web', 3],
  ])('%s → %s: %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestName', () => {
  it.each([
    ['helo', ['api', 'hello', 'help-desk'], 'hello'],
    ['hello', ['hello'], null],
    ['helloo', ['hello', 'jello'], 'hello'],
    ['paymnt', ['payments', 'payment'], 'payment'],
    ['payments', ['hello', 'api'], null],
    ['hlelo', ['hello'], 'hello'],
    ['xyz', [], null],
    ['ab', ['ba', 'ab-c'], 'ba'],
  ])('%s among %j → %s', (name, candidates, expected) => {
    expect(closestName(name, candidates)).toBe(expected);
  });

  it('takes a tighter limit when asked', () => {
    expect(closestName('hlelo', ['hello'], 1)).toBeNull();
  });
});
