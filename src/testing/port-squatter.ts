/**
 * Test support (not built): a program nobody deployed that takes an instance's port the
 * moment it is free, as a person starting another server on it would. It tries to bind
 * every 5 ms from the start, so once it has started (`start` resolves) it wins the port
 * against any restart of the instance, whatever its backoff: tests of a foreign listener
 * never depend on who is faster.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SQUATTER_JS = `
const port = Number(process.argv[1]);
const server = require('http').createServer((q, s) => s.end('squatter'));
let told = false;
const tell = () => { if (!told) process.stdout.write('trying\\n'); told = true; };
server.on('error', () => { tell(); setTimeout(() => server.listen(port, '127.0.0.1'), 5); });
server.listen(port, '127.0.0.1', tell);
`;

export class PortSquatter {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts it from a scratch directory (no release of anything); resolves once it is trying to bind. */
  static async start(port: number): Promise<PortSquatter> {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-squatter-'));
    const child = spawn(process.execPath, ['-e', SQUATTER_JS, String(port)], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`port squatter exited with ${code}`)));
    });
    return new PortSquatter(child, dir);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
