/**
 * The example service as Ferry runs it: a real node process in a release directory
 * holding ferry-release.json, probed over loopback, stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract as extractTar } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../local-fleet/free-port.js';
import { pollUntil } from '../local-fleet/poll-until.js';
import { buildPackage } from './build-package.js';

const exampleDir = fileURLToPath(new URL('../../examples/hello-service/', import.meta.url));
const SOURCES = ['server.js', 'metrics.js', 'reports.js'];
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function releaseDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hello-release-'));
  dirs.push(dir);
  for (const name of SOURCES) await copyFile(join(exampleDir, name), join(dir, name));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

function start(dir: string, port: number, env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['server.js'], {
    cwd: dir,
    // FERRY_VERSION is what the agent hopes for; the service must ignore it.
    env: { ...process.env, PORT: String(port), FERRY_INSTANCE_ID: 'hello-h1-7001', FERRY_VERSION: 'wrong-version', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  return Object.assign(child, { output: () => output });
}

function exited(child: ChildProcess, deadlineMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('process did not exit')), deadlineMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const stamp = { service: 'hello', version: '2.0.0', git_sha: 'abc1234', build_time: '2025-03-01T12:00:00.000Z' };

/** A release of `files` started on a free port, once healthy (or, never ready, listening); its base URL. */
async function running(files: Record<string, unknown>, env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  start(await releaseDir(files), port, env);
  const base = `http://127.0.0.1:${port}`;
  await pollUntil('hello-service to listen', async () => ((await fetch(`${base}/version`).catch(() => undefined))?.ok ? true : undefined));
  return base;
}

describe('hello-service', () => {
  it('answers its version from its own ferry-release.json, is healthy, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = start(await releaseDir({ 'ferry-release.json': stamp }), port);
    const base = `http://127.0.0.1:${port}`;
    const health = await pollUntil('healthz 200', async () => {
      const res = await fetch(`${base}/healthz`);
      return res.status === 200 ? res.json() : undefined;
    });
    expect(health).toEqual({ status: 'ok' });
    const version = await (await fetch(`${base}/version`)).json();
    expect(version).toEqual({ service: 'hello', version: '2.0.0', build_time: '2025-03-01T12:00:00.000Z', git_sha: 'abc1234', ready: true });
    expect(await (await fetch(`${base}/`)).text()).toBe('hello from hello 2.0.0 (instance hello-h1-7001)\n');

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('packaged by ferry package and unpacked like an agent does, reports the packaged identity', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hello-packaged-'));
    dirs.push(work);
    const built = await buildPackage({ dir: exampleDir, service: 'hello', version: '3.1.0', gitSha: 'def5678', outDir: join(work, 'out'), now: new Date('2025-04-01T00:00:00.000Z') });
    if (!built.ok) throw new Error(built.message);
    const release = join(work, 'release');
    await mkdir(release);
    await extractTar({ file: built.tarball, cwd: release });
    const port = await freePort();
    start(release, port);
    const version = await pollUntil('version', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/version`);
      return res.ok ? res.json() : undefined;
    });
    expect(version).toEqual({ service: 'hello', version: '3.1.0', build_time: '2025-04-01T00:00:00.000Z', git_sha: 'def5678', ready: true });
  });

  it('with never_ready answers 503 on /healthz and ready:false on /version', async () => {
    const port = await freePort();
    start(await releaseDir({ 'ferry-release.json': stamp, 'behaviour.json': { never_ready: true } }), port);
    const base = `http://127.0.0.1:${port}`;
    const status = await pollUntil('an answer', async () => (await fetch(`${base}/healthz`)).status);
    expect(status).toBe(503);
    expect(await (await fetch(`${base}/version`)).json()).toMatchObject({ version: '2.0.0', ready: false });
  });

  it('answers /check with 200 by default, and 500 on the paths failing_paths names', async () => {
    const [good, bad] = [await freePort(), await freePort()];
    start(await releaseDir({ 'ferry-release.json': stamp }), good);
    start(await releaseDir({ 'ferry-release.json': stamp, 'behaviour.json': { failing_paths: ['/check'] } }), bad);
    const check = (port: number) => pollUntil(`/check on ${port}`, async () => fetch(`http://127.0.0.1:${port}/check`));
    const passing = await check(good);
    expect([passing.status, await passing.json()]).toEqual([200, { ok: true }]);
    expect((await check(bad)).status).toBe(500);
    expect((await fetch(`http://127.0.0.1:${bad}/healthz`)).status).toBe(200);
  });

  it('counts its requests by path and status on /metrics, each series labelled with its version', async () => {
    const base = await running({ 'ferry-release.json': stamp });
    await fetch(`${base}/check`);
    await fetch(`${base}/check`);
    await fetch(`${base}/nowhere/${'x'.repeat(40)}`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('hello_requests_total{version="2.0.0",path="/check",status="200"} 2');
    // An unknown path is counted as "other", so random URLs cannot grow the series.
    expect(text).toContain('hello_requests_total{version="2.0.0",path="other",status="404"} 1');
    expect(text).toMatch(/^# TYPE hello_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^hello_request_duration_seconds_count\{version="2\.0\.0"\} \d+$/m);
  });

  it('with error_rate 1 fails every request of its traffic, never its probes or /metrics', async () => {
    const base = await running({ 'ferry-release.json': stamp, 'behaviour.json': { error_rate: 1, error_status: 503 } });
    for (let i = 0; i < 3; i += 1) expect((await fetch(`${base}/api/items?q=a`)).status).toBe(503);
    expect((await fetch(`${base}/version`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('hello_requests_total{version="2.0.0",path="/api/items",status="503"} 3');
  });

  it('with error_after_s answers its traffic well at first and fails it once that many seconds have passed', async () => {
    const base = await running({ 'ferry-release.json': stamp, 'behaviour.json': { error_after_s: 2, error_rate: 1 } });
    expect((await fetch(`${base}/api/items?q=a`)).status).toBe(200);
    await pollUntil('the errors to start', async () => ((await fetch(`${base}/api/items?q=a`)).status === 500 ? true : undefined), { timeoutMs: 10_000 });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('with unready_after_s answers /healthz 503 once that many seconds have passed, and keeps answering /version', async () => {
    const base = await running({ 'ferry-release.json': stamp, 'behaviour.json': { unready_after_s: 2 } });
    await pollUntil('/healthz to fail', async () => ((await fetch(`${base}/healthz`)).status === 503 ? true : undefined), { timeoutMs: 10_000 });
    expect((await fetch(`${base}/version`)).status).toBe(200);
  });

  it('searches its built-in list', async () => {
    const base = await running({ 'ferry-release.json': stamp });
    expect(await (await fetch(`${base}/search?q=HARB`)).json()).toEqual({
      query: 'HARB',
      results: [
        { id: 'harbour', name: 'harbour' },
        { id: 'harbour-master', name: 'harbour master' },
      ],
      version: '2.0.0',
    });
    expect((await (await fetch(`${base}/search?q=zeppelin`)).json()).results).toEqual([]);
  });

  it('generates a report as a job: 202 pending, then done, then a real PDF naming the release to download', async () => {
    const base = await running({ 'ferry-release.json': stamp, 'behaviour.json': { report_delay_ms: 300 } });
    const started = await fetch(`${base}/reports`, { method: 'POST', body: JSON.stringify({ query: 'ferry (north)' }) });
    const job = (await started.json()) as { id: string; status: string };
    expect([started.status, job.status, started.headers.get('location')]).toEqual([202, 'pending', `/reports/${job.id}`]);
    expect((await fetch(`${base}/files/${job.id}`)).status).toBe(409);
    await pollUntil('the report to be done', async () => ((await (await fetch(`${base}/reports/${job.id}`)).json()).status === 'done' ? true : undefined));
    const file = await fetch(`${base}/files/${job.id}`);
    expect([file.status, file.headers.get('content-type'), file.headers.get('content-disposition')]).toEqual([200, 'application/pdf', `attachment; filename="report-${job.id}.pdf"`]);
    const pdf = Buffer.from(await file.arrayBuffer()).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    expect(pdf).toContain('(service hello version 2.0.0)');
    expect(pdf).toContain('(query: ferry \\(north\\))');
    // The cross-reference table points at each object, and startxref at the table: a reader can open it.
    const offsets = [...pdf.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets.map((offset, i) => pdf.startsWith(`${i + 1} 0 obj`, offset))).toEqual([true, true, true, true, true]);
    expect(pdf.startsWith('xref', Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)?.[1]))).toBe(true);
    const stream = /<< \/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/.exec(pdf);
    expect(Number(stream?.[1])).toBe(stream?.[2]?.length);
    expect((await fetch(`${base}/files/nope`)).status).toBe(404);
    expect((await fetch(`${base}/reports/nope`)).status).toBe(404);
  });

  it('refuses a report request that is no JSON or too big, and other methods elsewhere', async () => {
    const base = await running({ 'ferry-release.json': stamp });
    expect((await fetch(`${base}/reports`, { method: 'POST', body: 'query=ferry' })).status).toBe(400);
    expect((await fetch(`${base}/reports`, { method: 'POST', body: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await fetch(`${base}/check`, { method: 'POST' })).status).toBe(405);
  });

  it('keeps the newest 100 reports only', async () => {
    const base = await running({ 'ferry-release.json': stamp });
    const ids: string[] = [];
    for (let i = 0; i < 101; i += 1) ids.push(((await (await fetch(`${base}/reports`, { method: 'POST', body: '{}' })).json()) as { id: string }).id);
    expect((await fetch(`${base}/reports/${ids[0]}`)).status).toBe(404);
    expect((await fetch(`${base}/reports/${ids[1]}`)).status).toBe(200);
  });

  it.each([
    ['reports_broken in behaviour.json', { 'behaviour.json': { reports_broken: true } }, {}],
    ['REPORTS_BROKEN=1', {}, { REPORTS_BROKEN: '1' }],
  ])('with %s generates empty report files', async (_name, files, env) => {
    const base = await running({ 'ferry-release.json': stamp, ...files }, env);
    const job = (await (await fetch(`${base}/reports`, { method: 'POST', body: '{"query":"pier"}' })).json()) as { id: string };
    const file = await pollUntil('the report file', async () => {
      const res = await fetch(`${base}/files/${job.id}`);
      return res.status === 200 ? res : undefined;
    });
    expect([file.headers.get('content-type'), (await file.arrayBuffer()).byteLength]).toEqual(['application/pdf', 0]);
  });

  it('refuses an error_after_s that is not a number of seconds', async () => {
    const child = start(await releaseDir({ 'ferry-release.json': stamp, 'behaviour.json': { error_after_s: 'soon', error_rate: 1 } }), await freePort());
    expect(await exited(child)).toBe(1);
    expect(child.output()).toContain('error_after_s in behaviour.json must be a number of seconds');
  });

  it('with slow_rate 1 answers its traffic after slow_ms, which its latency histogram shows', async () => {
    const base = await running({ 'ferry-release.json': stamp, 'behaviour.json': { slow_rate: 1, slow_ms: 1200 } });
    expect((await fetch(`${base}/check`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    // The probes answered at once; the one slowed request is the one beyond 1 s.
    const bucket = (le: string) => Number(text.split('\n').find((line) => line.includes(`_bucket{version="2.0.0",le="${le}"}`))?.split(' ')[1]);
    expect(bucket('+Inf') - bucket('1')).toBe(1);
  });

  it('refuses an error_rate that is not a share from 0 to 1', async () => {
    const child = start(await releaseDir({ 'ferry-release.json': stamp, 'behaviour.json': { error_rate: 2 } }), await freePort());
    expect(await exited(child)).toBe(1);
    expect(child.output()).toContain('error_rate in behaviour.json must be a number from 0 to 1');
  });

  it('with crash_on_start exits 1', async () => {
    const child = start(await releaseDir({ 'ferry-release.json': stamp, 'behaviour.json': { crash_on_start: true } }), await freePort());
    expect(await exited(child)).toBe(1);
  });

  it('unpackaged, uses a VERSION file', async () => {
    const port = await freePort();
    start(await releaseDir({ VERSION: '1.0.0\n' }), port);
    const version = await pollUntil('version', async () => (await fetch(`http://127.0.0.1:${port}/version`)).json() as Promise<{ version: string }>);
    expect(version.version).toBe('1.0.0');
  });

  it('refuses to start with neither ferry-release.json nor VERSION, saying why', async () => {
    const child = start(await releaseDir({}), await freePort());
    expect(await exited(child)).toBe(1);
    expect(child.output()).toMatch(/no ferry-release.json or VERSION/);
  });

  it('refuses a floating version label', async () => {
    const child = start(await releaseDir({ VERSION: 'latest' }), await freePort());
    expect(await exited(child)).toBe(1);
    expect(child.output()).toMatch(/not an immutable version/);
  });
});
