#!/usr/bin/env node
/**
 * Benchmark (issue "Agent bounds", item 2): memory while unpacking. Target: the agent's
 * peak RSS at most 300 MB while it installs a package of 1 GiB unpacked.
 *
 * Builds a tar.gz of BENCH_FILES (default 4) files of zeros, 1 GiB in all (gzip makes it
 * about 1 MB: the ratio a zip bomb has), streaming the tar headers and zeros through gzip
 * so nothing but the package touches the disk. Then a child process installs it with the
 * real installer (`installRelease` from dist/, default limits: 8 GiB unpacked, 100,000
 * entries) and reads its own peak RSS (VmHWM in /proc/self/status) before and after.
 * Before the streaming unpack, a package like this took its unpacked size in memory.
 * Prints one JSON object. Needs a build (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { constants, createGzip } from 'node:zlib';

const TARGET_MB = 300;
const UNPACKED_BYTES = 1024 ** 3;
const FILES = Number(process.env.BENCH_FILES ?? 4);

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'ferry-bench-unpack-'));
  try {
    const file = join(work, 'zeros.tar.gz');
    const started = performance.now();
    const sha256 = await buildZerosPackage(file, FILES, UNPACKED_BYTES / FILES);
    const built_s = seconds(started);
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', join(work, 'root'), pathToFileURL(file).href, sha256], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`install child exited ${run.status}: ${run.stderr}`);
    const result = JSON.parse(run.stdout);
    const peak = result.peak_rss_mb;
    process.stdout.write(
      `${JSON.stringify(
        {
          unpacked_bytes: UNPACKED_BYTES,
          files: FILES,
          package_bytes: (await stat(file)).size,
          build_s: built_s,
          install_s: result.install_s,
          install_ok: result.ok,
          rss_before_install_mb: result.rss_before_mb,
          peak_rss_mb: peak,
          target_peak_rss_mb: TARGET_MB,
          ok: result.ok && peak <= TARGET_MB,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Installs the package in this process and prints its peak RSS. */
async function child(root, url, sha256) {
  const { installRelease } = await import('../dist/agent/release-installer.js');
  const before = peakRssMb();
  const started = performance.now();
  const result = await installRelease(root, 'bench', '1.0.0', { package_url: url, sha256 });
  const install_s = seconds(started);
  process.stdout.write(JSON.stringify({ ok: result.ok, code: result.ok ? null : result.code, install_s, rss_before_mb: before, peak_rss_mb: peakRssMb() }));
}

/** Writes a gzip'd ustar archive of `count` files of `size` zero bytes; returns its sha256. */
async function buildZerosPackage(file, count, size) {
  const hash = createHash('sha256');
  async function* tarStream() {
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < count; i++) {
      yield ustarHeader(`zeros-${i}.bin`, size);
      for (let left = size; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
      if (size % 512 !== 0) yield Buffer.alloc(512 - (size % 512));
    }
    yield Buffer.alloc(1024);
  }
  const out = createWriteStream(file);
  const tee = async function* (source) {
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
  };
  await pipeline(tarStream, createGzip({ level: constants.Z_BEST_SPEED }), tee, out);
  return hash.digest('hex');
}

function ustarHeader(name, size) {
  const h = Buffer.alloc(512);
  const field = (offset, length, value) => h.write(value, offset, length, 'ascii');
  const octal = (offset, length, n) => field(offset, length, `${n.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, Math.floor(Date.now() / 1000));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of h) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function peakRssMb() {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Math.round(Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024);
}

function seconds(since) {
  return Math.round((performance.now() - since) / 100) / 10;
}
