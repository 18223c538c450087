/**
 * Test support (not built): a real Prometheus (Debian's /usr/bin/prometheus) on a free
 * loopback port, scraping the static targets a test names every second, with a config
 * and a TSDB in a temporary directory. `stop()` ends the process and removes the
 * directory; `kill()` ends it abruptly, to test a Prometheus that is down.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local-fleet/free-port.js';
import { startForegroundServer, type ForegroundServer } from '../local-fleet/foreground-server.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const havePrometheus = existsSync(PROMETHEUS_BIN);

/** One scrape job: `targets` are host:port; `labels` are set on every series of a target (e.g. `instance`). */
export interface ScrapeJob {
  name: string;
  targets: Array<{ target: string; labels?: Record<string, string> }>;
  /** A bearer token the scrape sends, from a 0600 credentials file. */
  bearerToken?: string;
  metricsPath?: string;
}

export class PrometheusProcess {
  private constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly server: ForegroundServer,
  ) {}

  /** Starts Prometheus and waits until it answers /-/ready (30 s at most). */
  static async start(jobs: readonly ScrapeJob[]): Promise<PrometheusProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-prom-'));
    writeFileSync(join(dir, 'prometheus.yml'), configOf(dir, jobs));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const args = [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'];
    try {
      const server = await startForegroundServer('prometheus', PROMETHEUS_BIN, args, {
        what: 'prometheus to be ready',
        ready: async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok === true,
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      return new PrometheusProcess(url, dir, server);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** SIGTERM, wait for the exit, remove the directory. Safe to call twice. */
  async stop(): Promise<void> {
    await this.server.end('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** SIGKILL and wait: Prometheus is down from now on (the directory stays until stop). */
  kill(): Promise<void> {
    return this.server.end('SIGKILL');
  }

  /** Prometheus's answer to an instant query, as labels and value per series. */
  async query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`prometheus refused ${promql}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }
}

function configOf(dir: string, jobs: readonly ScrapeJob[]): string {
  const lines = ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:'];
  for (const job of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(job.name)}`, '    scrape_interval: 1s', '    scrape_timeout: 900ms');
    if (job.metricsPath !== undefined) lines.push(`    metrics_path: ${JSON.stringify(job.metricsPath)}`);
    if (job.bearerToken !== undefined) {
      const credentials = join(dir, `${job.name}.token`);
      writeFileSync(credentials, job.bearerToken, { mode: 0o600 });
      chmodSync(credentials, 0o600);
      lines.push('    authorization:', '      type: Bearer', `      credentials_file: ${JSON.stringify(credentials)}`);
    }
    lines.push('    static_configs:');
    for (const { target, labels } of job.targets) {
      lines.push(`      - targets: [${JSON.stringify(target)}]`);
      if (labels !== undefined && Object.keys(labels).length > 0) {
        lines.push('        labels:');
        for (const [name, value] of Object.entries(labels)) lines.push(`          ${name}: ${JSON.stringify(value)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
