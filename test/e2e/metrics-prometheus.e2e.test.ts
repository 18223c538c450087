/**
 * Metrics end to end with a real Prometheus: a real server, agent and hello-service
 * instances on two versions; Prometheus (started here on a free loopback port, scraping
 * every second with a viewer token from a 0600 credentials file) must report the same
 * per-version instance counts as the fleet's own API. promtool accepts the server's
 * /metrics with no warning and the shipped rules file; every metric name the shipped
 * rules and dashboard reference is one /metrics really exposes. After a server restart
 * the gauges are right at once and the counters start again from 0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';
import { HelloService } from './rollout-support.js';
import { PROMETHEUS_BIN, PrometheusProcess } from '../../src/testing/prometheus-process.js';

const PROMTOOL = '/usr/bin/promtool';
const RULES_FILE = new URL('../../deploy/prometheus/ferry-alerts.yml', import.meta.url);
const DASHBOARD_FILE = new URL('../../deploy/grafana/ferry-dashboard.json', import.meta.url);
const haveProm = existsSync(PROMETHEUS_BIN) && existsSync(PROMTOOL);

let fleet: LocalFleet;
let web: HelloService;
let prometheus: PrometheusProcess | undefined;
let viewerToken: string;

/** Starts Prometheus scraping the fleet's server every second, as a viewer. */
async function startPrometheus(): Promise<void> {
  prometheus = await PrometheusProcess.start([{ name: 'ferry', targets: [{ target: new URL(fleet.server.url).host }], bearerToken: viewerToken }]);
}

/** Prometheus's answer to an instant query, as {labels → value}. */
function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  return prometheus!.query(promql);
}

async function scrapeText(): Promise<string> {
  const response = await fetch(`${fleet.server.url}/metrics`, { headers: { authorization: `Bearer ${viewerToken}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** Metric names /metrics declares (`# TYPE` lines), with a histogram's series names. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** Every `ferry_…` metric name in a PromQL expression. */
function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\bferry_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: ['local'] });
  web = await HelloService.declare(fleet, 'promweb', 3);
  for (const version of ['v1', 'v2']) await web.release(version);
  expect((await web.deployAndWait('v1')).status).toBe('succeeded');
  // One instance moves on to v2 alone, so the fleet runs two versions.
  expect((await web.deployAndWait('v2', { instances: [web.instanceId(web.ports[0]!)] })).status).toBe('succeeded');
  const created = await fleet.api.post('/api/v1/tokens', { name: 'prometheus', role: 'viewer' });
  viewerToken = created.token as string;
  if (haveProm) await startPrometheus();
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  await fleet?.stop(['promweb']);
}, 60_000);

describe.skipIf(!haveProm)('metrics with a real Prometheus', () => {
  it('Prometheus scrapes /metrics with the viewer token and finds the fleet’s per-version instance counts', async () => {
    const fleetCounts = (await fleet.api.get('/api/v1/services/promweb/versions')).version_summary as Record<string, number>;
    expect(fleetCounts).toEqual({ v1: 2, v2: 1 });
    const seen = await pollUntil('prometheus to see both versions', async () => {
      const rows = await query('sum by (version) (ferry_instances{service="promweb"})');
      const counts = Object.fromEntries(rows.map((r) => [r.metric.version, r.value]));
      return sameCounts(counts, fleetCounts) ? counts : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(seen).toEqual(fleetCounts);
    const [up] = await query('up{job="ferry"}');
    expect(up?.value).toBe(1);
    expect(await query('ferry_deployments_total{service="promweb",kind="deploy",result="succeeded"}')).toEqual([
      expect.objectContaining({ value: 2 }),
    ]);
    expect((await query('ferry_desired_version_info{service="promweb"}')).map((r) => r.metric.version)).toEqual(['v1']);
  });

  it('promtool accepts /metrics with no warning and the shipped rules file', async () => {
    const text = await scrapeText();
    const metrics = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: metrics.status, out: `${metrics.stdout}${metrics.stderr}`.trim() }).toEqual({ status: 0, out: '' });
    const rules = spawnSync(PROMTOOL, ['check', 'rules', RULES_FILE.pathname], { encoding: 'utf8' });
    expect(rules.status, rules.stdout + rules.stderr).toBe(0);
    expect(rules.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describe('the shipped rules and dashboard', () => {
  it('reference only metric names a real server’s /metrics exposes', async () => {
    const exposed = exposedNames(await scrapeText());
    const rules = parseYaml(readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string; labels: { severity: string }; annotations: Record<string, string> }> }> };
    const ruleList = rules.groups.flatMap((g) => g.rules);
    expect(ruleList.map((r) => r.alert)).toEqual(expect.arrayContaining(['DeploymentRolledBack', 'DeploymentFailed', 'RollbackPerformed', 'NoReadyInstanceOnDesiredVersion', 'DriftPersisting', 'AgentSilent', 'RollbackSlow']));
    for (const rule of ruleList) {
      expect(rule.labels.severity).toMatch(/^P[012]$/);
      expect(Object.keys(rule.annotations).sort()).toEqual(['runbook_url', 'summary']);
    }
    const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }>; templating: { list: Array<{ definition?: string }> } };
    const exprs = [
      ...ruleList.map((r) => r.expr),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.definition ?? ''),
    ];
    const referenced = new Set(exprs.flatMap(metricNamesIn));
    expect(referenced.size).toBeGreaterThan(10);
    expect([...referenced].filter((name) => !exposed.has(name))).toEqual([]);
    expect(dashboard.panels.map((p) => p.title)).toEqual(expect.arrayContaining(['Version distribution per service', 'Version consistency ratio', 'Agent heartbeat age']));
  });
});

describe('after a server restart', () => {
  it('gauges are right from the first scrape and counters start again at 0', async () => {
    await fleet.server.stop();
    await fleet.restartServer();
    const text = await scrapeText();
    const perVersion: Record<string, number> = {};
    for (const [, version, value] of text.matchAll(/^ferry_instances\{service="promweb",version="([^"]+)",status="[^"]+"\} (\d+)$/gm)) {
      perVersion[version!] = (perVersion[version!] ?? 0) + Number(value);
    }
    expect(perVersion).toEqual({ v1: 2, v2: 1 });
    expect(text).toMatch(/^ferry_desired_version_info\{service="promweb",version="v1"\} 1$/m);
    expect(text).toMatch(/^# TYPE ferry_deployments_total counter$/m);
    expect(text).not.toMatch(/^ferry_deployments_total\{/m);
  }, 60_000);
});

describe('ferry server with a bad OBS_METRICS_NAMESPACE', () => {
  it('exits 2 with one line naming the variable, leaving no data dir behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-bad-ns-'));
    try {
      const dataDir = join(dir, 'data');
      const run = spawnSync(process.execPath, [FERRY_BIN, 'server', '--port', '0', '--data-dir', dataDir], {
        env: { ...process.env, OBS_METRICS_NAMESPACE: 'has-dash', FERRY_ADMIN_TOKEN: 'a'.repeat(40) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ferry: server could not start: OBS_METRICS_NAMESPACE "has-dash" is not a usable metric name prefix/)]);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
