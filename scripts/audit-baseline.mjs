#!/usr/bin/env node
/**
 * Dependency scan that may not regress: runs `npm audit --omit=dev --json` and compares
 * its advisories with the accepted ones in security/npm-audit-baseline.json.
 *
 *   exit 0  every advisory found is accepted (lists accepted ones that are gone: the baseline can shrink)
 *   exit 1  an advisory not in the baseline, one line each
 *   exit 2  the audit could not run (no answer from the registry's audit endpoint) or the baseline is malformed
 *
 * FERRY_AUDIT_UNREACHABLE=warn turns "could not run" into a loud warning and exit 0; it
 * never hides a new finding. For tests: --input FILE reads an audit report instead of
 * running npm, --baseline FILE reads another baseline.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function option(name) {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** The audit report as npm prints it (npm exits 1 when it finds anything, so its status says nothing). */
function auditReport() {
  const input = option('--input');
  if (input !== undefined) return readFileSync(input, 'utf8');
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  return run.stdout;
}

/** Stops with exit 2, or warns and exits 0 when the caller allowed it for an unreachable audit. */
function cannotAudit(why) {
  if (process.env.FERRY_AUDIT_UNREACHABLE === 'warn') {
    console.error(`audit:deps WARNING: the dependency scan did NOT run: ${why}`);
    console.error('audit:deps WARNING: FERRY_AUDIT_UNREACHABLE=warn is set, so this is not a failure; nothing was checked.');
    process.exit(0);
  }
  console.error(`audit:deps: the dependency scan could not run: ${why}`);
  console.error('audit:deps: fix the registry access (npm audit needs POST to the registry\'s advisories endpoint), or set FERRY_AUDIT_UNREACHABLE=warn to go on without the scan.');
  process.exit(2);
}

/** Each advisory npm reports: id (GHSA id when it has one), the package it is in, severity, title, url. */
function findingsOf(report) {
  const findings = new Map();
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== 'object' || via === null) continue; // a package that is vulnerable through another one
      const id = /GHSA-[\w-]+/.exec(via.url ?? '')?.[0] ?? String(via.source);
      findings.set(`${id} ${via.name}`, { id, package: via.name, severity: via.severity, title: via.title ?? '', url: via.url ?? '' });
    }
  }
  return [...findings.values()];
}

function readBaseline() {
  const file = option('--baseline') ?? join(root, 'security', 'npm-audit-baseline.json');
  let baseline;
  try {
    baseline = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`audit:deps: cannot read the baseline ${file}: ${error.message}`);
    process.exit(2);
  }
  const accepted = Array.isArray(baseline.accepted) ? baseline.accepted : null;
  const bad = accepted === null ? ['"accepted" is not a list'] : accepted.filter((a) => !a.id || !a.package || !a.severity || !a.reason).map((a) => JSON.stringify(a));
  if (bad.length > 0) {
    console.error(`audit:deps: malformed baseline ${file}: every accepted entry needs id, package, severity and reason: ${bad.join(', ')}`);
    process.exit(2);
  }
  return accepted;
}

const accepted = readBaseline();
let report;
try {
  report = JSON.parse(auditReport());
} catch (error) {
  cannotAudit(`npm audit printed no JSON report (${error.message})`);
}
if (report.error !== undefined || report.vulnerabilities === undefined || report.vulnerabilities === null) {
  const status = report.statusCode ? ` (HTTP ${report.statusCode}${report.uri ? ` from ${report.uri}` : ''})` : '';
  cannotAudit(`${report.message ?? report.error?.summary ?? 'npm audit returned an error'}${status}`);
}

const key = (f) => `${f.id} ${f.package}`;
const acceptedKeys = new Set(accepted.map(key));
const findings = findingsOf(report);
const fresh = findings.filter((f) => !acceptedKeys.has(key(f)));
const foundKeys = new Set(findings.map(key));
const gone = accepted.filter((a) => !foundKeys.has(key(a)));

for (const f of fresh) console.log(`new finding: ${f.id} in ${f.package} (${f.severity}) ${f.title} ${f.url}`.trim());
for (const a of gone) console.log(`baseline can shrink: ${a.id} in ${a.package} is no longer reported; remove it from security/npm-audit-baseline.json`);
if (fresh.length > 0) {
  console.log(`audit:deps: ${fresh.length} advisory(ies) in production dependencies not in the baseline; upgrade, or accept with a reason (README, Supply chain)`);
  process.exit(1);
}
console.log(`audit:deps: ok, ${findings.length} advisory(ies) in production dependencies, all accepted in the baseline`);
