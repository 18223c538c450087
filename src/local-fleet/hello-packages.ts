/**
 * Packages of the example hello-service, built with the same code as `ferry package`.
 * A test can ask for a package that misbehaves in a way real releases do: one that
 * crashes on start, never becomes ready, starts slowly, fails its verify checks, or was
 * built under another version's label.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildPackage } from '../packaging/build-package.js';
import type { SmokeChain } from '../core/smoke/smoke-chain.js';

export const HELLO_SERVICE_DIR = fileURLToPath(new URL('../../examples/hello-service', import.meta.url));

/**
 * The seed's smoke chain (000 R5) against hello-service: search, generate a report,
 * wait until it is done, download it. The demo's service and the smoke-chain e2e test
 * declare it in `verify`; a release with `reports_broken` fails it at the download.
 */
export const HELLO_REPORT_CHAIN: SmokeChain = {
  name: 'report',
  timeout_ms: 15_000,
  steps: [
    { path: '/search?q=ferry', json: { '/results/0/id': 'ferry' }, capture: { place: '/results/0/name' } },
    { method: 'POST', path: '/reports', body: { query: '{place}' }, expect_status: 202, capture: { report_id: '/id' } },
    { path: '/reports/{report_id}', json: { '/status': 'done' }, retry: { until_ms: 5_000, interval_ms: 50 } },
    { path: '/files/{report_id}', expect_status: 200, content_type: 'application/pdf', min_bytes: 300, body_contains: '%%EOF' },
  ],
};

export interface HelloPackage {
  version: string;
  tarball: string;
  package_url: string;
  sha256: string;
}

export interface HelloPackageOptions {
  /** The version the package stamps into itself, when it differs from the registered one. */
  stampedVersion?: string;
  /**
   * Written as behaviour.json inside the package: crash_on_start, never_ready,
   * start_delay_ms, failing_paths (paths that answer 500, e.g. ["/check"]),
   * reports_broken (generated report files are empty, which a smoke chain catches).
   */
  behaviour?: Record<string, unknown>;
}

export async function packageHello(outDir: string, service: string, version: string, opts: HelloPackageOptions = {}): Promise<HelloPackage> {
  const source = mkdtempSync(join(outDir, 'src-'));
  try {
    cpSync(HELLO_SERVICE_DIR, source, { recursive: true });
    if (opts.behaviour) writeFileSync(join(source, 'behaviour.json'), JSON.stringify(opts.behaviour));
    const built = await buildPackage({ dir: source, service, version: opts.stampedVersion ?? version, gitSha: null, outDir, now: new Date() });
    if (!built.ok) throw new Error(`cannot package hello-service ${version}: ${built.message}`);
    return { version, tarball: built.tarball, package_url: pathToFileURL(built.tarball).href, sha256: built.sha256 };
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}
