import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventFrame, HEARTBEAT_FRAME, retryFrame } from '../core/audit/audit-stream-frames.js';
import { EventStreamParser, LineTooLongError, type StreamItem } from './event-stream-parser.js';

describe('EventStreamParser', () => {
  it('reads events, comments and retry hints', () => {
    const parser = new EventStreamParser();
    expect(parser.push(`${retryFrame(2000)}${eventFrame(7, '{"a":1}')}${HEARTBEAT_FRAME}`)).toEqual([
      { kind: 'retry', ms: 2000 },
      { kind: 'event', id: '7', data: '{"a":1}' },
      { kind: 'comment' },
    ]);
  });

  it('joins several data lines and accepts CRLF line ends', () => {
    expect(new EventStreamParser().push('id: 3\r\ndata: a\r\ndata: b\r\n\r\n')).toEqual([{ kind: 'event', id: '3', data: 'a\nb' }]);
  });

  it('reads the same items however the bytes are split into chunks', () => {
    const text = `${retryFrame(10)}${eventFrame(1, '{"x":"é"}')}${HEARTBEAT_FRAME}${eventFrame(2, '{}')}`;
    const whole = new EventStreamParser().push(text);
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new EventStreamParser();
        const items: StreamItem[] = [];
        let from = 0;
        for (const at of [...points, text.length]) {
          items.push(...parser.push(text.slice(from, at)));
          from = at;
        }
        expect(items).toEqual(whole);
      }),
    );
  });

  it('refuses a line longer than its bound instead of buffering it', () => {
    const parser = new EventStreamParser(100);
    expect(() => parser.push(`data: ${'x'.repeat(200)}`)).toThrow(LineTooLongError);
  });
});
