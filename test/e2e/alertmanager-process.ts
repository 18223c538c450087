/**
 * A real Alertmanager for the alert e2e test: started on free loopback ports with
 * clustering off, its storage in a temporary directory and a config this file writes
 * (one receiver that sends nowhere: the test reads Alertmanager's own API).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/local-fleet/free-port.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerAlertView {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  status: { state: string };
}

export class AlertmanagerProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static installed(): boolean {
    return existsSync(ALERTMANAGER_BIN);
  }

  static async start(): Promise<AlertmanagerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-alertmanager-'));
    const config = join(dir, 'alertmanager.yml');
    writeFileSync(config, ['global:', '  resolve_timeout: 5m', 'route:', '  receiver: nowhere', 'receivers:', '  - name: nowhere', ''].join('\n'));
    const port = await freePort();
    const child = spawn(ALERTMANAGER_BIN, [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
    const am = new AlertmanagerProcess(child, dir, `http://127.0.0.1:${port}`);
    await pollUntil('alertmanager to be ready', async () => ((await fetch(`${am.url}/-/ready`).catch(() => undefined))?.ok ? true : undefined), { timeoutMs: 20_000, intervalMs: 100 });
    return am;
  }

  /** Alerts Alertmanager holds as active now (GET /api/v2/alerts). */
  async alerts(): Promise<AlertmanagerAlertView[]> {
    const res = await fetch(`${this.url}/api/v2/alerts`);
    if (!res.ok) throw new Error(`alertmanager answered ${res.status}`);
    return (await res.json()) as AlertmanagerAlertView[];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
