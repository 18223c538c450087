/**
 * Test support: real release packages of a tiny HTTP service, built with the `tar`
 * package, and the small waits tests need (poll with a deadline, never sleep for state).
 * The service answers `/version` from the VERSION file of its own release directory, so
 * a package whose VERSION differs from its release version fakes a wrong build.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tar from 'tar';

export const FAKE_SERVER_JS = `
const http = require('http');
const fs = require('fs');
const version = fs.readFileSync('VERSION', 'utf8').trim();
http.createServer((req, res) => {
  if (req.url === '/version') res.end(JSON.stringify({ version }));
  else res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** The service's start command, as an operator would write it. */
export const FAKE_START = 'exec node server.js';

export interface BuiltPackage {
  file: string;
  url: string;
  sha256: string;
}

/**
 * Builds `<dir>/<name>.tar.gz` holding server.js and VERSION (`answers`, default the
 * version), plus `extra` files.
 */
export async function buildPackage(dir: string, name: string, answers: string, extra: Record<string, string> = {}): Promise<BuiltPackage> {
  const src = path.join(dir, `${name}-src`);
  await mkdir(src, { recursive: true });
  const files: Record<string, string> = { 'server.js': FAKE_SERVER_JS, VERSION: `${answers}\n`, ...extra };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(src, file)), { recursive: true });
    await writeFile(path.join(src, file), content);
  }
  const file = path.join(dir, `${name}.tar.gz`);
  await tar.c({ file, gzip: true, cwd: src, portable: true }, Object.keys(files));
  return { file, url: pathToFileURL(file).href, sha256: await sha256Of(file) };
}

/** Builds a tar.gz from paths relative to `cwd`, keeping `..` and absolute paths as given. */
export async function buildRawArchive(file: string, cwd: string, entries: string[]): Promise<BuiltPackage> {
  await tar.c({ file, gzip: true, cwd, preservePaths: true, portable: true }, entries);
  return { file, url: pathToFileURL(file).href, sha256: await sha256Of(file) };
}

export async function sha256Of(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** A port free right now on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
