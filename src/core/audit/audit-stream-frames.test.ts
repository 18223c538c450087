import { describe, expect, it } from 'vitest';
import { eventFrame, HEARTBEAT_FRAME, matchesStreamFilter, resumePoint, retryFrame } from './audit-stream-frames.js';

describe('audit stream frames', () => {
  it('frames an event as id and one data line, ended by a blank line', () => {
    expect(eventFrame(42, JSON.stringify({ id: 42, details: { note: 'a\nb' } }))).toBe('id: 42\ndata: {"id":42,"details":{"note":"a\\nb"}}\n\n');
  });

  it('makes the heartbeat a comment and the retry hint whole milliseconds', () => {
    expect(HEARTBEAT_FRAME.startsWith(':')).toBe(true);
    expect(retryFrame(1500.4)).toBe('retry: 1500\n\n');
  });
});

describe('matchesStreamFilter', () => {
  const event = { at: 1000, service: 'web', type: 'deploy_started', deploy_id: 'dep-1' };
  it.each([
    [{}, true],
    [{ service: 'web' }, true],
    [{ service: 'api' }, false],
    [{ type: 'deploy_started', deploy_id: 'dep-1' }, true],
    [{ type: 'deploy_completed' }, false],
    [{ service: 'web', deploy_id: 'dep-2' }, false],
    [{ since: 1000 }, true],
    [{ since: 1001 }, false],
  ])('filter %j → %s', (filter, expected) => {
    expect(matchesStreamFilter(filter, event)).toBe(expected);
  });

  it('never matches a service filter against an event without a service', () => {
    expect(matchesStreamFilter({ service: 'web' }, { at: 0, service: null, type: 'release_registered', deploy_id: null })).toBe(false);
  });
});

describe('resumePoint', () => {
  it.each([
    [undefined, undefined, undefined],
    ['', undefined, undefined],
    ['41', undefined, 41],
    [' 41 ', undefined, 41],
    [undefined, '7', 7],
    ['9', '7', 9],
    ['0', undefined, 0],
  ])('header %j, query %j → after %j', (header, query, afterId) => {
    expect(resumePoint(header, query)).toEqual({ ok: true, afterId });
  });

  it.each(['abc', '-1', '1.5', '1e3', '1234567890123456', '0x10'])('refuses %j', (given) => {
    expect(resumePoint(given, undefined)).toMatchObject({ ok: false, kind: 'input', code: 'invalid_last_event_id' });
    expect(resumePoint(undefined, given)).toMatchObject({ ok: false, code: 'invalid_last_event_id' });
  });
});
