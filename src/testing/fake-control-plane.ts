/**
 * Test support: the server's side of the agent protocol (src/core/agent-protocol.ts) with
 * real behaviour, over real HTTP: bearer-token checks, revisions, long-polls that answer
 * when the revision changes or after wait_s, and heartbeats kept for inspection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Assignments, HeartbeatReport, InstanceAssignment, InstanceReport } from '../core/agent-protocol.js';

export class FakeControlPlane {
  readonly heartbeats: HeartbeatReport[] = [];
  rejectedCalls = 0;
  private revision = 1;
  private instances: InstanceAssignment[] = [];
  private waiters = new Set<() => void>();
  private server: Server | null = null;
  url = '';

  constructor(
    readonly host: string,
    private readonly token: string,
  ) {}

  async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Replaces the host's assignments, as a change of goals on the server would. */
  assign(instances: InstanceAssignment[]): void {
    this.instances = instances;
    this.revision += 1;
    for (const wake of this.waiters) wake();
  }

  /** The latest report about an instance, if any heartbeat carried one. */
  lastReport(instanceId: string): InstanceReport | undefined {
    for (let i = this.heartbeats.length - 1; i >= 0; i--) {
      const found = this.heartbeats[i]!.instances.find((r) => r.instance_id === instanceId);
      if (found) return found;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.rejectedCalls += 1;
      return send(res, 401, { error: { code: 'unauthenticated', message: 'bad token', details: {} } });
    }
    const base = `/api/v1/agents/${this.host}`;
    if (req.method === 'POST' && url.pathname === `${base}/heartbeat`) {
      this.heartbeats.push(JSON.parse(await readBody(req)) as HeartbeatReport);
      return send(res, 200, { ok: true });
    }
    if (req.method === 'GET' && url.pathname === `${base}/assignments`) {
      const after = url.searchParams.get('after') ?? '';
      if (after === String(this.revision)) await this.waitForChange(Number(url.searchParams.get('wait_s') ?? '1') * 1000);
      const body: Assignments = { host: this.host, revision: String(this.revision), heartbeat_s: 1, instances: this.instances };
      return send(res, 200, body);
    }
    send(res, 404, { error: { code: 'not_found', message: 'no such route', details: {} } });
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
