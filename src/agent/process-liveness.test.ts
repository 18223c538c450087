import { describe, expect, it } from 'vitest';
import { identify, isAlive, parseProcStat } from './process-liveness.js';

describe('parseProcStat', () => {
  it('counts fields from the last parenthesis, so odd command names do not shift them', () => {
    const rest = Array.from({ length: 40 }, (_, i) => String(i + 4));
    const line = `42 (we (ird) name) S ${rest.join(' ')}`;
    // field 5 is "5", field 22 is "22"
    expect(parseProcStat(line)).toEqual({ state: 'S', pgrp: 5, startTime: 22 });
  });

  it('refuses garbage', () => {
    expect(parseProcStat('nonsense')).toBeNull();
  });
});

describe('isAlive', () => {
  it('knows this very process and refuses a wrong start time', () => {
    const me = identify(process.pid);
    expect(me).not.toBeNull();
    expect(isAlive(me!)).toBe(true);
    expect(isAlive({ pid: process.pid, start_time: me!.start_time + 1 })).toBe(false);
  });
});
