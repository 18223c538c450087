#!/usr/bin/env node
/**
 * `npm run bench`: runs every bench/*.mjs except this file, one after another, each as
 * its own child process (so one benchmark's processes and CPU load cannot skew the
 * next), and prints one JSON object `{ "<bench name>": <that bench's JSON>, ... }`.
 * A benchmark that exits non-zero or prints no JSON gets `{ "error": ... }` in its slot;
 * the others still run, and run-all exits 1 after printing everything. A figure that
 * misses its target is a result, not a failure: read each benchmark's own `ok` field.
 * Benchmarks import from ../dist, so run `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));

if (!existsSync(join(here, '..', 'dist', 'local-fleet', 'local-fleet.js'))) {
  process.stderr.write('run-all: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}

const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== self)
  .sort();

let current = null;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Let the running benchmark tear its fleet down, print what there is, then leave.
    interrupted = true;
    current?.kill(signal);
  });
}

const results = {};
let failed = false;
for (const file of benches) {
  const name = file.replace(/\.mjs$/, '');
  process.stderr.write(`run-all: ${name} ...\n`);
  const started = performance.now();
  const { code, signal, stdout } = await run(join(here, file));
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  let parsed;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    parsed = undefined;
  }
  if (code === 0 && parsed !== undefined && parsed !== null && typeof parsed === 'object') {
    results[name] = parsed;
    process.stderr.write(`run-all: ${name} done in ${seconds} s\n`);
  } else {
    failed = true;
    const how = signal !== null ? `killed by ${signal}` : code !== 0 ? `exited with code ${code}` : 'printed no JSON object';
    results[name] = { error: `${file} ${how}`, exit_code: code, stdout_tail: stdout.trim().slice(-2000) };
    process.stderr.write(`run-all: ${name} FAILED (${how}) after ${seconds} s\n`);
  }
  current = null;
  if (interrupted) {
    failed = true;
    break;
  }
}

console.log(JSON.stringify(results, null, 2));
process.exit(failed ? 1 : 0);

function run(path) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { stdio: ['ignore', 'pipe', 'inherit'] });
    current = child;
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.once('error', (err) => resolve({ code: -1, signal: null, stdout: `${stdout}\n${err.message}` }));
    child.once('close', (code, signal) => resolve({ code, signal, stdout }));
  });
}
