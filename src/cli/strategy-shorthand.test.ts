import { describe, expect, it } from 'vitest';
import { parseStrategy } from './strategy-shorthand.js';

describe('parseStrategy', () => {
  it.each([
    ['all_at_once', { type: 'all_at_once' }],
    ['rolling:2', { type: 'rolling', batch_size: 2 }],
    ['rolling:25%', { type: 'rolling', batch_percent: 25 }],
    ['rolling', { type: 'rolling' }],
    ['canary:1', { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] }],
    ['canary:10%', { type: 'canary', steps: [{ percent: 10, pause: 'until_promoted' }] }],
    ['canary', { type: 'canary' }],
    ['  rolling:3 ', { type: 'rolling', batch_size: 3 }],
    ['{"type":"rolling","batch_size":2,"min_healthy_time_s":0}', { type: 'rolling', batch_size: 2, min_healthy_time_s: 0 }],
    [
      '{"type":"canary","steps":[{"instances":1,"pause_s":5}]}',
      { type: 'canary', steps: [{ instances: 1, pause_s: 5 }] },
    ],
  ])('%s', (text, expected) => {
    expect(parseStrategy(text)).toEqual({ ok: true, strategy: expected });
  });

  it.each([
    ['blue_green', /is not one of/],
    ['rolling:0', /at least 1/],
    ['canary:150%', /percentage/],
    ['rolling:-1', /is not one of/],
    ['rolling:x', /is not one of/],
    ['all_at_once:3', /takes no size/],
    ['{"type":', /not valid JSON/],
    ['{"batch_size":2}', /needs "type"/],
    ['{"type":"big_bang"}', /needs "type"/],
    ['', /is not one of/],
  ])('refuses %s', (text, message) => {
    const parsed = parseStrategy(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
