import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTraceparent, isTraceId, parseTraceparent } from './trace-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it.each([
    ['a sampled header', `00-${TRACE}-${SPAN}-01`, { trace_id: TRACE, span_id: SPAN, flags: '01' }],
    ['an unsampled header', `00-${TRACE}-${SPAN}-00`, { trace_id: TRACE, span_id: SPAN, flags: '00' }],
    ['other flag bits', `00-${TRACE}-${SPAN}-ff`, { trace_id: TRACE, span_id: SPAN, flags: 'ff' }],
  ])('accepts %s', (_name, header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });

  it.each([
    ['absent', undefined],
    ['an array of headers', [`00-${TRACE}-${SPAN}-01`]],
    ['empty', ''],
    ['version 01', `01-${TRACE}-${SPAN}-01`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['a zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['a zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['uppercase hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['a long span id', `00-${TRACE}-${SPAN}0-01`],
    ['one flag digit', `00-${TRACE}-${SPAN}-1`],
    ['trailing data', `00-${TRACE}-${SPAN}-01-extra`],
    ['a trailing newline', `00-${TRACE}-${SPAN}-01\n`],
    ['leading space', ` 00-${TRACE}-${SPAN}-01`],
    ['non-hex', `00-${TRACE.slice(0, 31)}g-${SPAN}-01`],
    ['underscores', `00_${TRACE}_${SPAN}_01`],
  ])('ignores %s', (_name, header) => {
    expect(parseTraceparent(header)).toBeNull();
  });

  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));

  it('round-trips every well-formed context through its header form', () => {
    fc.assert(
      fc.property(hex(32).filter(isTraceId), hex(16).filter((s) => !/^0+$/.test(s)), hex(2), (trace_id, span_id, flags) => {
        expect(parseTraceparent(formatTraceparent({ trace_id, span_id, flags }))).toEqual({ trace_id, span_id, flags });
      }),
    );
  });

  it('never accepts a string that is not exactly its own canonical form', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (header) => {
        const parsed = parseTraceparent(header);
        if (parsed !== null) expect(formatTraceparent(parsed)).toBe(header);
      }),
    );
  });

  it('rejects any single-character change that breaks the format', () => {
    const valid = `00-${TRACE}-${SPAN}-01`;
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.constantFrom('G', 'A', ' ', '\u0000', '_', 'é'), (index, replacement) => {
        const mutated = valid.slice(0, index) + replacement + valid.slice(index + 1);
        expect(parseTraceparent(mutated)).toBeNull();
      }),
    );
  });
});
