/**
 * The command adapter runs real processes: node scripts that record their argv, fail, or
 * hang, and a shell that leaves a child behind for the timeout to kill with its group.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { CommandTrafficAdapter } from './command-adapter.js';
import type { DesiredTraffic } from './traffic-adapter.js';

let dir: string;
let recorder: string;
let failer: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-command-adapter-'));
  recorder = join(dir, 'record-argv.mjs');
  writeFileSync(recorder, "import { appendFileSync } from 'node:fs';\nappendFileSync(process.argv[2], JSON.stringify(process.argv.slice(3)) + '\\n');\n");
  failer = join(dir, 'fail.mjs');
  writeFileSync(failer, "process.stdout.write('some output\\n');\nprocess.stderr.write('warming up\\nno such backend: web\\n\\n');\nprocess.exit(3);\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const target = (instance_id: string, state: 'ready' | 'drain' = 'ready', weight = 100): DesiredTraffic => ({ instance_id, service: 'web', address: '10.0.0.7', host: 'host-1', port: 8080, state, weight });

function recorded(file: string): string[][] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
}

describe('CommandTrafficAdapter', () => {
  it('runs the argv rendered for each changed instance, and only for those', async () => {
    const out = join(dir, 'rendered.jsonl');
    const adapter = new CommandTrafficAdapter({ type: 'command', command: [process.execPath, recorder, out, '{action}', '{host}:{port}', '--weight={weight}', '{service}/{instance}'] });
    const results = await adapter.apply([target('web-1', 'drain'), target('web-2')], new Set(['web-1']));
    expect(results).toEqual(new Map([['web-1', { ok: true }]]));
    expect(recorded(out)).toEqual([['drain', '10.0.0.7:8080', '--weight=100', 'web/web-1']]);
  });

  it('says {action} weight when only the weight changed since it last applied the instance', async () => {
    const out = join(dir, 'actions.jsonl');
    const adapter = new CommandTrafficAdapter({ type: 'command', command: [process.execPath, recorder, out, '{action}', '{weight}'] });
    await adapter.apply([target('web-1', 'ready', 100)], new Set(['web-1']));
    await adapter.apply([target('web-1', 'ready', 20)], new Set(['web-1']));
    await adapter.apply([target('web-1', 'drain', 20)], new Set(['web-1']));
    await adapter.apply([target('web-1', 'ready', 100)], new Set(['web-1']));
    expect(recorded(out)).toEqual([
      ['ready', '100'],
      ['weight', '20'],
      ['drain', '20'],
      ['ready', '100'],
    ]);
  });

  it('never uses a shell: a value with ; spaces or $( ) stays one argument and runs nothing', async () => {
    const out = join(dir, 'no-shell.jsonl');
    const marker = join(dir, 'pwned');
    const id = `web-1; touch ${marker} $(touch ${marker}) \`touch ${marker}\``;
    const adapter = new CommandTrafficAdapter({ type: 'command', command: [process.execPath, recorder, out, '{instance}'] });
    expect((await adapter.apply([target(id)], new Set([id]))).get(id)).toEqual({ ok: true });
    expect(recorded(out)).toEqual([[id]]);
    expect(existsSync(marker)).toBe(false);
  });

  it('any value reaches the program as exactly the argument it was rendered into', async () => {
    const out = join(dir, 'property.jsonl');
    const adapter = new CommandTrafficAdapter({ type: 'command', command: [process.execPath, recorder, out, 'id={instance}', '{service}'] });
    const value = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((v) => !v.includes('\0'));
    await fc.assert(
      fc.asyncProperty(value, async (id) => {
        rmSync(out, { force: true });
        expect((await adapter.apply([target(id)], new Set([id]))).get(id)).toEqual({ ok: true });
        expect(recorded(out)).toEqual([[`id=${id}`, 'web']]);
      }),
      { numRuns: 25 },
    );
  });

  it('an argument Node cannot pass (a NUL byte) is an error result, not a throw', async () => {
    const adapter = new CommandTrafficAdapter({ type: 'command', command: ['/bin/echo', '{instance}'] });
    expect((await adapter.apply([target('web\u00001')], new Set(['web\u00001']))).get('web\u00001')).toMatchObject({ ok: false, error: expect.stringContaining('could not be started') });
  });

  it('a non-zero exit is an error naming the status and the last line of stderr, never the arguments', async () => {
    const adapter = new CommandTrafficAdapter({ type: 'command', command: [process.execPath, failer, '--token=s3cret'] });
    const result = (await adapter.apply([target('web-1')], new Set(['web-1']))).get('web-1');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('exited with status 3: no such backend: web') });
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('a command that hangs is an error within its timeout, and its process group is killed', async () => {
    const pidFile = join(dir, 'child.pid');
    const adapter = new CommandTrafficAdapter({ type: 'command', command: ['/bin/sh', '-c', `sleep 60 & echo $! > ${pidFile}; wait`], timeout_s: 0.5 });
    const started = Date.now();
    const result = (await adapter.apply([target('web-1')], new Set(['web-1']))).get('web-1');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toEqual({ ok: false, error: 'sh did not finish within 500 ms and was killed with its process group' });
    const orphan = Number(readFileSync(pidFile, 'utf8'));
    await pollUntil('the background sleep to be killed with its group', async () => (isAlive(orphan) ? undefined : true), { timeoutMs: 5000 });
  });

  it('a program that does not exist is an error, not a throw', async () => {
    const adapter = new CommandTrafficAdapter({ type: 'command', command: [join(dir, 'no-such-program'), '{instance}'] });
    expect((await adapter.apply([target('web-1')], new Set(['web-1']))).get('web-1')).toEqual({ ok: false, error: 'no-such-program could not be started: ENOENT' });
  });

  it('a changed id it was not given is an error result', async () => {
    const adapter = new CommandTrafficAdapter({ type: 'command', command: ['/bin/true'] });
    expect((await adapter.apply([target('web-1')], new Set(['web-9']))).get('web-9')).toMatchObject({ ok: false });
  });

  it('can tell neither connections nor what the balancer has', async () => {
    const adapter = new CommandTrafficAdapter({ type: 'command', command: ['/bin/true'] });
    expect(await adapter.activeConnections()).toBeUndefined();
    expect(await adapter.observe()).toBeUndefined();
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0 until it is reaped; its state says it is gone.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
