/**
 * The `process` proof on real processes: node and python servers spawned by the test from
 * a temporary `releases/1.0.0`, from elsewhere, and by nobody the "agent" started; the
 * proof reads the real /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local-fleet/free-port.js';
import { pollUntil } from '../../local-fleet/poll-until.js';
import { identify, signalGroup, type ProcessIdentity } from '../process-liveness.js';
import { listeningInodes, readListenerFacts } from './proc-facts.js';
import { proveByProcess } from './process-proof.js';

const SERVER_JS = `require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`;
/** A server that rewrites its own command line, as http-server does with process.title. */
const TITLED_JS = `process.title = 'titled'; ${SERVER_JS}`;
const children: ChildProcess[] = [];
let root: string;
let releases: string;
let release: string;
let elsewhere: string;

beforeAll(async () => {
  root = await realpath(mkdtempSync(path.join(tmpdir(), 'ferry-proof-')));
  releases = path.join(root, 'hello', 'releases');
  release = path.join(releases, '1.0.0');
  elsewhere = path.join(root, 'elsewhere');
  for (const dir of [release, elsewhere]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'server.js'), SERVER_JS);
    writeFileSync(path.join(dir, 'titled.js'), TITLED_JS);
  }
});

afterAll(() => {
  for (const child of children) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** Starts `argv` in `cwd` in its own group, on a fresh port; resolves once the port listens. */
async function listen(argv: string[], cwd: string, port?: number): Promise<{ port: number; identity: ProcessIdentity; child: ChildProcess }> {
  const at = port ?? (await freePort());
  const child = spawn(argv[0]!, argv.slice(1).map((arg) => arg.replace('PORT', String(at))), { cwd, env: { PATH: process.env.PATH!, PORT: String(at) }, detached: true, stdio: 'ignore' });
  children.push(child);
  const identity = identify(child.pid!)!;
  await pollUntil(`${argv.join(' ')} to listen on ${at}`, async () => (readListenerFacts(at, null, releases).inodes.length > 0 ? true : undefined), { timeoutMs: 10_000 });
  return { port: at, identity, child };
}

function prove(port: number, started: ProcessIdentity | null, start: string | null = null) {
  return proveByProcess({ port, started, releasesDir: releases, start, env: { PATH: process.env.PATH! } });
}

describe('process proof on real processes', () => {
  it('proves a node server started from releases/1.0.0, by cwd and script', async () => {
    const app = await listen([process.execPath, 'server.js'], release);
    const proof = prove(app.port, app.identity);
    expect(proof).toEqual({
      kind: 'proven',
      version: '1.0.0',
      source: { type: 'process', detail: `pid ${app.identity.pid} (node) listens on :${app.port}, cwd and script in releases/1.0.0` },
    });
  });

  it('proves a descendant of the started process (a shell that did not exec)', async () => {
    const app = await listen(['sh', '-c', `${process.execPath} server.js; true`], release);
    const proof = prove(app.port, app.identity);
    expect(proof).toMatchObject({ kind: 'proven', version: '1.0.0' });
    if (proof.kind !== 'proven') return;
    expect(proof.source.detail).not.toContain(`pid ${app.identity.pid} `);
  });

  it('proves python3 -m http.server by its working directory alone, and says so', async () => {
    const app = await listen(['python3', '-m', 'http.server', 'PORT', '--bind', '127.0.0.1'], release);
    const proof = prove(app.port, app.identity);
    expect(proof).toMatchObject({ kind: 'proven', version: '1.0.0' });
    if (proof.kind === 'proven') expect(proof.source.detail).toMatch(/cwd in releases\/1\.0\.0 \(its command line names no file\)$/);
  });

  it('refuses a listener the agent did not start, naming its pid and command', async () => {
    const ours = await listen([process.execPath, 'server.js'], release);
    const foreign = await listen(['python3', '-m', 'http.server', 'PORT', '--bind', '127.0.0.1'], release);
    const proof = prove(foreign.port, ours.identity);
    expect(proof).toMatchObject({ kind: 'refused', refusal: { code: 'foreign_listener' } });
    if (proof.kind === 'refused') expect(proof.refusal.message).toContain(`pid ${foreign.identity.pid} (python3`);
    // Nothing the agent started runs at all: still someone else's.
    expect(prove(foreign.port, null)).toMatchObject({ kind: 'refused', refusal: { code: 'foreign_listener' } });
  });

  it('refuses a script outside the release and a working directory outside it', async () => {
    const script = await listen([process.execPath, path.join(elsewhere, 'server.js')], release);
    expect(prove(script.port, script.identity)).toMatchObject({ kind: 'refused', refusal: { code: 'outside_release', message: expect.stringContaining(path.join(elsewhere, 'server.js')) } });
    const cwd = await listen([process.execPath, path.join(release, 'server.js')], elsewhere);
    expect(prove(cwd.port, cwd.identity)).toMatchObject({ kind: 'refused', refusal: { code: 'outside_release', message: expect.stringContaining(`runs from ${elsewhere}`) } });
  });

  it('refuses a second socket on the port held by someone else ([::1]:P beside 127.0.0.1:P)', async () => {
    const ours = await listen([process.execPath, 'server.js'], release);
    const v6 = spawn('python3', ['-m', 'http.server', String(ours.port), '--bind', '::1'], { cwd: elsewhere, detached: true, stdio: 'ignore' });
    children.push(v6);
    await pollUntil('a squatter on [::1]', async () => (readListenerFacts(ours.port, null, releases).inodes.length > 1 ? true : undefined), { timeoutMs: 10_000 });
    expect(prove(ours.port, ours.identity)).toMatchObject({ kind: 'refused', refusal: { code: 'foreign_listener', message: expect.stringContaining(`pid ${v6.pid} (python3`) } });
  });

  it('judges a server that rewrote its command line by the files its start command names', async () => {
    const inRelease = await listen([process.execPath, 'titled.js'], release);
    await pollUntil('the title to be set', async () => (readListenerFacts(inRelease.port, inRelease.identity, releases).holders[0]?.script === null ? true : undefined), { timeoutMs: 10_000 });
    expect(prove(inRelease.port, inRelease.identity, `${process.execPath} titled.js`)).toMatchObject({ kind: 'proven', version: '1.0.0', source: { detail: expect.stringContaining('started by titled.js in it') } });
    const fromElsewhere = await listen([process.execPath, path.join(elsewhere, 'titled.js')], release);
    await pollUntil('the title to be set', async () => (readListenerFacts(fromElsewhere.port, fromElsewhere.identity, releases).holders[0]?.script === null ? true : undefined), { timeoutMs: 10_000 });
    const refused = prove(fromElsewhere.port, fromElsewhere.identity, `${process.execPath} ${path.join(elsewhere, 'titled.js')}`);
    expect(refused).toMatchObject({ kind: 'refused', refusal: { code: 'outside_release', message: expect.stringContaining(path.join(elsewhere, 'titled.js')) } });
  });

  it('is pending while nothing listens, and sees a port free again once its listener died', async () => {
    const port = await freePort();
    expect(prove(port, null)).toEqual({ kind: 'pending', why: `nothing listens on :${port} yet` });
    const app = await listen([process.execPath, 'server.js'], release);
    signalGroup(app.child.pid!, 'SIGKILL');
    await pollUntil('the listener to go', async () => (prove(app.port, app.identity).kind === 'pending' ? true : undefined), { timeoutMs: 10_000 });
  });
});

describe('listeningInodes', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0',
    '   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 100 0 0 10 0',
    '   2: 0100007F:1F90 0100007F:D3A2 01 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0000000000000000 20 4 30 10 -1',
    '   3: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4545 1 0000000000000000 100 0 0 10 0',
  ].join('\n');

  it.each([
    [8080, ['4242', '4343']],
    [8081, ['4545']],
    [8082, []],
  ])('port %i → %j (LISTEN only, any local address)', (port, inodes) => {
    expect(listeningInodes(table, port)).toEqual(inodes);
  });

  it('reads tcp6 addresses the same way', () => {
    const v6 = '  sl  local_address                         remote_address                        st\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1';
    expect(listeningInodes(v6, 8080)).toEqual(['777']);
  });
});
