/**
 * The verify runner against a real HTTP server on loopback: chains that capture and
 * substitute, steps retried until a job is done, failures that name the chain, the step,
 * the request and what it got, and answers bounded in size and time.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../local-fleet/free-port.js';
import type { SmokeChain, SmokeStep, VerifyCheck } from '../core/smoke/smoke-chain.js';
import { runVerifyChecks, VERIFY_LIMITS } from './verify-checks.js';

const PDF = Buffer.from('%PDF-1.4\n' + 'x'.repeat(500) + '\n%%EOF\n');
const PDF_SHA256 = createHash('sha256').update(PDF).digest('hex');
let server: Server;
let port: number;
/** What the server was sent: method, path, the x-where header and body of each request. */
const seen: string[] = [];
/** Polls of each report's status; a report is done on its third. Each POST makes a new one. */
const polls = new Map<string, number>();
let reports = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    seen.push(`${req.method} ${req.url} ${req.headers['x-where'] ?? '-'} ${body}`);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    const report = /^\/reports\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === '/search') return json(200, { results: [{ id: `r-${url.searchParams.get('q')}` }] });
    if (url.pathname === '/reports' && req.method === 'POST') {
      reports += 1;
      const id = `${(JSON.parse(body) as { from: string }).from} ${reports}`;
      return json(202, { id, status: 'pending' }, { location: `/reports/${encodeURIComponent(id)}` });
    }
    if (report) {
      const n = (polls.get(report[1]!) ?? 0) + 1;
      polls.set(report[1]!, n);
      return json(200, { status: n >= 3 ? 'done' : 'pending' });
    }
    if (url.pathname.startsWith('/files/')) {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="r.pdf"' });
      return res.end(PDF);
    }
    if (url.pathname === '/huge') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.alloc(64 * 1024, 1));
    }
    if (url.pathname === '/go') {
      res.writeHead(302, { location: '/files/elsewhere' });
      return res.end();
    }
    if (url.pathname === '/hang') return;
    if (url.pathname === '/fail') return json(500, { error: 'on purpose' });
    return json(200, { ok: true });
  });
  port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const run = (verify: VerifyCheck[], limits = VERIFY_LIMITS, on = port) => runVerifyChecks({ instanceId: 'web-local-1', port: on, verify, now: () => performance.now() }, limits);
const chain = (steps: SmokeStep[], extra: Partial<SmokeChain> = {}): SmokeChain => ({ name: 'report', steps, ...extra });

const search: SmokeStep = { path: '/search?q=ferry', json: { '/results/0/id': 'r-ferry' }, capture: { found: '/results/0/id' } };
const create: SmokeStep = { method: 'POST', path: '/reports', body: { from: '{found}' }, expect_status: 202, capture: { report_id: '/id', where: 'header:Location' } };
const done: SmokeStep = { path: '/reports/{report_id}', headers: { 'x-where': '{where}' }, json: { '/status': 'done' }, retry: { until_ms: 5000, interval_ms: 10 } };
const download: SmokeStep = { path: '/files/{report_id}', content_type: 'application/pdf', min_bytes: 300, body_contains: '%%EOF', sha256: PDF_SHA256 };

describe('runVerifyChecks', () => {
  it('runs search → report → wait until done → download, feeding each step what earlier ones captured', async () => {
    seen.length = 0;
    expect(await run([{ path: '/check' }, chain([search, create, done, download])])).toEqual({ ok: true });
    expect(seen).toEqual([
      'GET /check - ',
      'GET /search?q=ferry - ',
      'POST /reports - {"from":"r-ferry"}',
      'GET /reports/r-ferry%201 /reports/r-ferry%201 ',
      'GET /reports/r-ferry%201 /reports/r-ferry%201 ',
      'GET /reports/r-ferry%201 /reports/r-ferry%201 ',
      'GET /files/r-ferry%201 - ',
    ]);
  });

  it('names the chain, the step, the request and what it got', async () => {
    const tooSmall = { ...download, sha256: undefined, min_bytes: 1024 } as SmokeStep;
    expect(await run([chain([search, create, tooSmall])])).toEqual({
      ok: false,
      code: 'verify_failed',
      message: `instance web-local-1 failed smoke chain "report": step 3 GET /files/r-ferry%202 got a body of ${PDF.length} bytes, expected at least 1024`,
    });
    const wrongType = await run([chain([{ path: '/files/x', content_type: 'text/html' }])]);
    expect(wrongType).toMatchObject({ message: 'instance web-local-1 failed smoke chain "report": step 1 GET /files/x got content-type application/pdf, expected text/html' });
    const wrongStatus = await run([chain([search, { path: '/fail', expect_status: 200 }], { name: 'other' })]);
    expect(wrongStatus).toMatchObject({ message: 'instance web-local-1 failed smoke chain "other": step 2 GET /fail got status 500, expected 200' });
  });

  it('without retry a pending job fails the step; with it, the failure says how often it tried', async () => {
    const once = await run([chain([search, create, { path: '/reports/{report_id}', json: { '/status': 'done' } }])]);
    expect(once).toMatchObject({ message: expect.stringContaining('step 3 GET /reports/r-ferry%203 got JSON /status = "pending", expected "done"') });
    const never = await run([chain([{ path: '/check', json: { '/ok': false }, retry: { until_ms: 200, interval_ms: 20 } }])]);
    expect(never).toMatchObject({ message: expect.stringMatching(/step 1 GET \/check got JSON \/ok = true, expected false \(still, after \d+ tries in \d+ ms\)$/) });
  });

  it('ends a chain at its deadline when an answer never comes', async () => {
    const result = await run([chain([{ path: '/check' }, { path: '/hang' }], { timeout_ms: 300 })]);
    expect(result).toMatchObject({ message: expect.stringMatching(/^instance web-local-1 failed smoke chain "report": step 2 GET \/hang got no answer within \d+ ms$/) });
  });

  it('reads an answer only up to the limit', async () => {
    const result = await run([chain([{ path: '/huge' }])], { ...VERIFY_LIMITS, maxBodyBytes: 1024 });
    expect(result).toMatchObject({ message: 'instance web-local-1 failed smoke chain "report": step 1 GET /huge got a body longer than the 1024 bytes a step reads' });
  });

  it('runs single checks as before, the first failure naming its request', async () => {
    expect(await run([{ path: '/check', body_contains: '"ok":true' }])).toEqual({ ok: true });
    expect(await run([{ path: '/check' }, { path: '/fail', expect_status: 200 }, { path: '/hang' }])).toEqual({
      ok: false,
      code: 'verify_failed',
      message: 'instance web-local-1 failed check GET /fail: got status 500, expected 200',
    });
    expect(await run([{ path: '/check', body_contains: 'nope' }])).toMatchObject({ message: 'instance web-local-1 failed check GET /check: got a body (11 bytes) without "nope"' });
    expect(await run([{ path: '/hang', timeout_ms: 100 }])).toMatchObject({ message: 'instance web-local-1 failed check GET /hang: got no answer within 100 ms' });
  });

  it('sees a redirect itself, and can capture where it points', async () => {
    seen.length = 0;
    expect(await run([chain([{ path: '/go', expect_status: 302, capture: { where: 'header:Location' } }, { path: '/check?from={where}' }])])).toEqual({ ok: true });
    expect(seen).toEqual(['GET /go - ', 'GET /check?from=%2Ffiles%2Felsewhere - ']);
  });

  it('stops between requests once a newer goal arrived', async () => {
    seen.length = 0;
    const result = await runVerifyChecks({ instanceId: 'web-local-1', port, verify: [chain([search, create, done, download]), { path: '/check' }], now: () => performance.now(), superseded: () => seen.length >= 2 });
    expect(result).toEqual({ ok: false, code: 'superseded', message: 'a newer goal for instance web-local-1 arrived while verifying' });
    expect(seen.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['GET /search?q=ferry', 'POST /reports']);
  });

  it('says so when nothing listens', async () => {
    const closed = await freePort();
    expect(await run([chain([{ path: '/x' }])], VERIFY_LIMITS, closed)).toMatchObject({ message: 'instance web-local-1 failed smoke chain "report": step 1 GET /x got no answer (ECONNREFUSED)' });
  });
});
