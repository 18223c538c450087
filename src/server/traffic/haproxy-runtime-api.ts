/**
 * A client of HAProxy's runtime API (the stats socket): one command per connection, on a
 * unix socket or `tcp:HOST:PORT`, the answer read to the end of the connection. Answers
 * are bounded in size and time, as everything Ferry reads from the network is.
 */
import { createConnection, type Socket } from 'node:net';

/** Beyond this an answer is refused; `show stat` of a few thousand servers stays well below. */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface RuntimeApiOptions {
  timeoutMs: number;
}

/** The answer's text. Throws when the socket is missing, refuses, is too slow or answers too much. */
export function runtimeCommand(socket: string, command: string, options: RuntimeApiOptions): Promise<string> {
  if (/[\r\n;]/.test(command)) throw new Error(`refusing a runtime API command with a line break or ';': ${JSON.stringify(command)}`);
  return new Promise((resolve, reject) => {
    const connection = connect(socket);
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error) => {
      connection.destroy();
      reject(new Error(`HAProxy runtime API ${socket}: ${error.message}`));
    };
    // A deadline for the whole exchange: a peer that trickles bytes cannot stretch it (setTimeout on the socket only bounds silence).
    const deadline = setTimeout(() => fail(new Error(`no answer to "${command.split(' ').slice(0, 2).join(' ')}" within ${options.timeoutMs} ms`)), options.timeoutMs);
    connection.on('close', () => clearTimeout(deadline));
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) return fail(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
      chunks.push(chunk);
    });
    connection.on('error', fail);
    connection.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function connect(socket: string): Socket {
  if (!socket.startsWith('tcp:')) return createConnection({ path: socket });
  const at = socket.lastIndexOf(':');
  const host = socket.slice('tcp:'.length, at).replace(/^\[|\]$/g, '');
  return createConnection({ host, port: Number(socket.slice(at + 1)) });
}

/** One server line of `show stat`, with the columns Ferry reads. */
export interface HaproxyServerStat {
  backend: string;
  server: string;
  /** `UP`, `DOWN`, `DRAIN`, `MAINT`, `NOLB`, … as HAProxy shows it. */
  status: string;
  weight: number;
  /** Current sessions: what a drain waits to reach 0. */
  scur: number;
  /** Responses by class and in all (HTTP only), counted since HAProxy started. */
  hrsp_2xx: number;
  hrsp_5xx: number;
  responses: number;
  /** Average response time over the last 1024 requests, ms. */
  rtime: number;
}

/**
 * Parses `show stat` CSV (a `# pxname,svname,…` header line, then one line per proxy and
 * server); frontends and the BACKEND summary line are left out.
 */
export function parseShowStat(text: string): HaproxyServerStat[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines.find((l) => l.startsWith('# '));
  if (header === undefined) throw new Error(`show stat answered no CSV header: ${JSON.stringify(text.slice(0, 200))}`);
  const columns = header.slice(2).split(',');
  const at = (name: string) => columns.indexOf(name);
  const number = (fields: string[], name: string) => {
    const value = Number(fields[at(name)] ?? '');
    return Number.isFinite(value) ? value : 0;
  };
  const servers: HaproxyServerStat[] = [];
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    const fields = line.split(',');
    const server = fields[at('svname')] ?? '';
    if (server === 'FRONTEND' || server === 'BACKEND' || fields[at('type')] !== '2') continue;
    const classes = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'];
    servers.push({
      backend: fields[at('pxname')] ?? '',
      server,
      status: fields[at('status')] ?? '',
      weight: number(fields, 'weight'),
      scur: number(fields, 'scur'),
      hrsp_2xx: number(fields, 'hrsp_2xx'),
      hrsp_5xx: number(fields, 'hrsp_5xx'),
      responses: classes.reduce((sum, name) => sum + number(fields, name), 0),
      rtime: number(fields, 'rtime'),
    });
  }
  return servers;
}

/** The servers of `backend` as `show stat` reports them now. */
export async function readServerStats(socket: string, backend: string, options: RuntimeApiOptions): Promise<HaproxyServerStat[]> {
  return parseShowStat(await runtimeCommand(socket, 'show stat', options)).filter((s) => s.backend === backend);
}
