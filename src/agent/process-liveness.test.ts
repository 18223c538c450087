import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { groupExists, identify, isAlive, isGroupAlive, isLiveMember, liveGroupMembers, parseProcStat } from './process-liveness.js';

describe('parseProcStat', () => {
  it('counts fields from the last parenthesis, so odd command names do not shift them', () => {
    const rest = Array.from({ length: 40 }, (_, i) => String(i + 4));
    const line = `42 (we (ird) name) S ${rest.join(' ')}`;
    // field 4 is "4", field 5 is "5", field 22 is "22"
    expect(parseProcStat(line)).toEqual({ state: 'S', ppid: 4, pgrp: 5, startTime: 22 });
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

describe('groupExists and liveGroupMembers', () => {
  it('see a live group and none once it has exited and been reaped', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pgid = child.pid!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    expect(groupExists(pgid)).toBe(true);
    expect(isGroupAlive(pgid)).toBe(true);
    expect(liveGroupMembers(pgid)).toEqual([pgid]);
    expect(isLiveMember(pgid, pgid)).toBe(true);
    expect(isLiveMember(process.pid, pgid)).toBe(false);
    process.kill(-pgid, 'SIGKILL');
    await exited;
    expect(groupExists(pgid)).toBe(false);
    expect(isGroupAlive(pgid)).toBe(false);
    expect(liveGroupMembers(pgid)).toEqual([]);
  });
});
