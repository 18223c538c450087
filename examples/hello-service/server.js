// hello-service: the smallest service Ferry can deploy, verify and roll back.
//
// Its version comes from its own package: `ferry package` writes ferry-release.json into
// the archive, and this server reads it from its own directory. It never trusts the
// agent's environment (FERRY_VERSION) for that, so a passing version probe proves the new
// code is what runs. Unpackaged, a VERSION file beside it is used instead.
//
// GET /check answers 200 {"ok":true}: a path for a service's `verify` checks.
//
// GET /api/items?q=TEXT answers {"query","items":[...],"version","served_at"}: a JSON
// endpoint for staging replays. `served_at` is the time of the answer to the microsecond,
// so it differs on every answer (the noise a replay filters), and `version` names the
// release (a replay spec lists "/version" under `ignore`).
//
// GET /search?q=TEXT answers {"query","results":[{id,name}],"version"} from a small built-in list.
// POST /reports {"query"} starts a job that generates a small PDF naming the release, and
// answers 202 {id,status:"pending",...}; GET /reports/ID shows status "done" once it is
// generated (report_delay_ms, default 100), and GET /files/ID downloads it (application/pdf,
// content-disposition). The newest 100 reports are kept (reports.js). This is what a
// smoke chain runs after a rollout: search, generate a file, download it.
//
// GET /metrics answers its own requests in the Prometheus text format (metrics.js):
// hello_requests_total{version,path,status} and hello_request_duration_seconds{version}.
//
// behaviour.json (optional, beside this file) makes a deliberately bad release:
//   {"crash_on_start": true}         exit 1 right after starting
//   {"never_ready": true}            /healthz answers 503 forever
//   {"start_delay_ms": 3000}         wait before listening
//   {"failing_paths": ["/check"]}    those paths answer 500 (a release that fails its verify checks)
//   {"items_suffix": "-x"}           /api/items appends it to every item (a release that answers differently)
//   {"error_rate": 0.2}              that share of requests answers `error_status` (default 500)
//   {"error_after_s": 60, "error_rate": 1}  error_rate applies only once the process has run that
//                                    many seconds: a release that deploys healthy and goes bad later
//   {"unready_after_s": 60}          /healthz answers 503 once the process has run that many seconds
//                                    (it keeps running and answering /version): an instance that dies later
//   {"slow_rate": 0.1, "slow_ms": 300}  that share of requests waits slow_ms (default 500) first
//   {"reports_broken": true}          generated reports are empty files (REPORTS_BROKEN=1 does the
//                                    same without a new release): only a chain that downloads one sees it
//   {"report_delay_ms": 500}          how long a report takes to generate (default 100)
// The probes (/healthz, /version) and /metrics are never failed nor slowed: the release stays
// deployable and observable, and only its traffic is bad (a canary to judge from metrics).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMetrics } from './metrics.js';
import { createReports, search } from './reports.js';

const here = dirname(fileURLToPath(import.meta.url));
const FLOATING = ['latest', 'current', 'stable', 'head'];

function fail(message) {
  process.stderr.write(`hello-service: ${message}\n`);
  process.exit(1);
}

function readJson(name) {
  const path = join(here, name);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(`${path} is not valid JSON: ${error.message}`);
  }
}

function readIdentity() {
  const stamp = readJson('ferry-release.json');
  if (stamp !== null) {
    return {
      service: stamp.service ?? process.env.FERRY_SERVICE ?? 'hello-service',
      version: stamp.version,
      build_time: stamp.build_time ?? null,
      git_sha: stamp.git_sha ?? null,
    };
  }
  const versionFile = join(here, 'VERSION');
  if (existsSync(versionFile)) {
    return {
      service: process.env.FERRY_SERVICE ?? 'hello-service',
      version: readFileSync(versionFile, 'utf8').trim(),
      build_time: null,
      git_sha: null,
    };
  }
  fail(`no ferry-release.json or VERSION in ${here}: package it with "ferry package", or write a VERSION file`);
}

const identity = readIdentity();
if (typeof identity.version !== 'string' || identity.version === '' || FLOATING.includes(identity.version.toLowerCase())) {
  fail(`"${identity.version}" is not an immutable version`);
}
const behaviour = readJson('behaviour.json') ?? {};
const failingPaths = new Set(Array.isArray(behaviour.failing_paths) ? behaviour.failing_paths : []);
// ITEMS_SUFFIX in the environment does the same without a new release (the service's `env`).
const itemsSuffix = (typeof behaviour.items_suffix === 'string' ? behaviour.items_suffix : '') + (process.env.ITEMS_SUFFIX ?? '');
const errorRate = shareOf(behaviour.error_rate, 'error_rate');
// Counted from the process's start, so a restart (a rollback to this version, say) starts healthy again.
const errorAfterMs = secondsOf(behaviour.error_after_s, 'error_after_s') * 1000;
const unreadyAfterMs = behaviour.unready_after_s === undefined ? Infinity : secondsOf(behaviour.unready_after_s, 'unready_after_s') * 1000;
const errorStatus = Number.isInteger(behaviour.error_status) ? behaviour.error_status : 500;
const slowRate = shareOf(behaviour.slow_rate, 'slow_rate');
const slowMs = Number(behaviour.slow_ms ?? 500);
const reportsBroken = behaviour.reports_broken === true || process.env.REPORTS_BROKEN === '1';
const reportDelayMs = Number(behaviour.report_delay_ms ?? 100);
/** A report request's body: a query, never a document. */
const MAX_REPORT_REQUEST_BYTES = 16 * 1024;
const UNTOUCHED_PATHS = new Set(['/healthz', '/version', '/metrics']);
const metrics = createMetrics(identity.version);
const instanceId = process.env.FERRY_INSTANCE_ID ?? 'local';
const reports = createReports({ service: identity.service, version: identity.version, delayMs: reportDelayMs, broken: reportsBroken });
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT "${process.env.PORT}" is not a port number`);

let ready = false;

function send(res, status, body) {
  const text = typeof body === 'string' ? `${body}\n` : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
  res.end(text);
}

/**
 * The time of this answer to the microsecond (ISO-8601 with six decimals). Milliseconds are
 * not enough: two instances often answer the same replayed request within one, and then
 * their served_at agree, which is not the "differs on every answer" a replay relies on.
 */
function servedAt() {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  const micros = String(Math.floor((ms - whole) * 1000)).padStart(3, '0');
  return new Date(whole).toISOString().replace('Z', `${micros}Z`);
}

/** A share between 0 and 1 from behaviour.json; 0 when absent. */
function shareOf(value, name) {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(`${name} in behaviour.json must be a number from 0 to 1`);
  return value;
}

/** A number of seconds from behaviour.json; 0 when absent. */
function secondsOf(value, name) {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0)) fail(`${name} in behaviour.json must be a number of seconds, 0 or more`);
  return value;
}

/** True when this request should fail on purpose: past error_after_s, by error_rate. */
function failsOnPurpose(path) {
  if (UNTOUCHED_PATHS.has(path) || errorRate === 0 || performance.now() < errorAfterMs) return false;
  return Math.random() < errorRate;
}

/** Three items derived from the query only, so every instance of one release answers alike. */
function items(query) {
  return [1, 2, 3].map((n) => `${query}-${n}${itemsSuffix}`);
}

const server = createServer((req, res) => {
  const started = process.hrtime.bigint();
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  res.on('finish', () => metrics.record(path, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
  if (UNTOUCHED_PATHS.has(path) || slowRate === 0 || Math.random() >= slowRate) return answer(req, res);
  setTimeout(() => answer(req, res), slowMs);
});

function answer(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (path === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    return res.end(metrics.render());
  }
  if (failsOnPurpose(path)) return send(res, errorStatus, { error: `failed on purpose (error_rate ${errorRate} in behaviour.json)` });
  const startsReport = req.method === 'POST' && path === '/reports';
  if (req.method !== 'GET' && req.method !== 'HEAD' && !startsReport) return send(res, 405, { error: 'method not allowed' });
  if (failingPaths.has(path)) return send(res, 500, { error: `${path} fails on purpose (failing_paths in behaviour.json)` });
  if (path === '/healthz' && performance.now() >= unreadyAfterMs) return send(res, 503, { status: 'failing', reason: 'unready_after_s in behaviour.json' });
  if (path === '/healthz') return ready ? send(res, 200, { status: 'ok' }) : send(res, 503, { status: 'starting' });
  if (path === '/version') return send(res, 200, { ...identity, ready });
  if (path === '/check') return send(res, 200, { ok: true });
  if (path === '/api/items') {
    const query = url.searchParams.get('q') ?? '';
    return send(res, 200, { query, items: items(query), version: identity.version, served_at: servedAt() });
  }
  if (startsReport) return startReport(req, res);
  if (path === '/search') {
    const query = (url.searchParams.get('q') ?? '').slice(0, 200);
    return send(res, 200, { query, results: search(query), version: identity.version });
  }
  if (path.startsWith('/reports/')) {
    const report = reports.get(path.slice('/reports/'.length));
    return report ? send(res, 200, report) : send(res, 404, { error: 'no such report' });
  }
  if (path.startsWith('/files/')) return download(res, path.slice('/files/'.length));
  if (path === '/') return send(res, 200, `hello from ${identity.service} ${identity.version} (instance ${instanceId})`);
  return send(res, 404, { error: 'not found' });
}

/** Reads `{"query"}` (bounded) and starts a report job; 202 with the job's id. */
function startReport(req, res) {
  const chunks = [];
  let size = 0;
  // Past the limit the rest is read and dropped, so the client gets its 413 rather than a reset.
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_REPORT_REQUEST_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_REPORT_REQUEST_BYTES) return send(res, 413, { error: `a report request is at most ${MAX_REPORT_REQUEST_BYTES} bytes` });
    let query = '';
    try {
      const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      query = typeof body.query === 'string' ? body.query.slice(0, 200) : '';
    } catch {
      return send(res, 400, { error: 'the body must be JSON like {"query":"ferry"}' });
    }
    const report = reports.create(query);
    res.setHeader('location', `/reports/${report.id}`);
    send(res, 202, report);
  });
}

/** The report's file once generated: 404 for an unknown id, 409 while it is still being made. */
function download(res, id) {
  const file = reports.file(id);
  if (file === undefined) return send(res, 404, { error: 'no such report' });
  if (file === null) return send(res, 409, { error: 'the report is not generated yet' });
  res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': file.length, 'content-disposition': `attachment; filename="report-${id}.pdf"` });
  res.end(file);
}

function stop() {
  ready = false;
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open; the process is leaving anyway.
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

if (behaviour.crash_on_start === true) fail('crash_on_start is set in behaviour.json: exiting');

setTimeout(() => {
  server.listen(port, host, () => {
    ready = behaviour.never_ready !== true;
    const address = server.address();
    process.stdout.write(`hello-service ${identity.version} listening on http://${host}:${address.port} (instance ${instanceId})\n`);
  });
}, Number(behaviour.start_delay_ms ?? 0));
