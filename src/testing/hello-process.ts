/**
 * Test support (not built): one hello-service process started directly (no agent), from a
 * copy of examples/hello-service with a VERSION file and an optional behaviour.json, on a
 * free loopback port; and a small load loop that keeps requests flowing to instances, so
 * their /metrics have traffic to judge.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local-fleet/free-port.js';
import { HELLO_SERVICE_DIR } from '../local-fleet/hello-packages.js';
import { startLoad, type LoadReport } from '../local-fleet/load-generator.js';
import { pollUntil } from '../local-fleet/poll-until.js';

export class HelloProcess {
  private constructor(
    readonly port: number,
    readonly version: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(version: string, instanceId: string, behaviour: Record<string, unknown> = {}): Promise<HelloProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-hello-'));
    cpSync(HELLO_SERVICE_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'VERSION'), version);
    writeFileSync(join(dir, 'behaviour.json'), JSON.stringify(behaviour));
    const port = await freePort();
    const child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { PATH: process.env.PATH, PORT: String(port), FERRY_INSTANCE_ID: instanceId }, stdio: 'ignore' });
    const hello = new HelloProcess(port, version, dir, child);
    await pollUntil(`hello-service ${version} on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`hello-service exited ${child.exitCode}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      return res?.ok ? true : undefined;
    }, { timeoutMs: 15_000 });
    return hello;
  }

  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Steady GET /api/items to every port, `ratePerPort` requests a second each (the load
 * generator's schedule), until `stop()`, which reports each port's load in `ports` order.
 */
export function driveLoad(ports: readonly number[], ratePerPort = 100): { stop(): Promise<LoadReport[]> } {
  const loads = ports.map((port) => startLoad({ url: `http://127.0.0.1:${port}/api/items?q=load`, rate: ratePerPort, connections: 4 }));
  return { stop: () => Promise.all(loads.map((load) => load.stop())) };
}
