/**
 * The upstream block Ferry owns in an nginx traffic spec's `upstream_file`, rendered from
 * every instance's intent and read back. nginx has no runtime API in its open-source
 * build, so the file is the whole state: a drained instance stays listed as `down` (nginx
 * sends it nothing new), and each line carries a comment naming the instance and its
 * intent, so reading the file back tells a ready instance at weight 0 (also `down`) from
 * a drained one.
 */
import type { Check } from '../result.js';
import type { TemplateTarget, TrafficState } from './traffic-action.js';

export type UpstreamEntry = TemplateTarget & TrafficState;

/**
 * nginx's `weight=` for a 0–256 intent weight, or `down`. nginx weights are integers ≥ 1
 * and only their ratios matter, so weights on HAProxy's scale keep their shares as they are:
 *   ready 100 → 100;  ready 0.4 → 1;  ready 0 → down;  drain (any weight) → down
 */
export function nginxServerWeight(entry: TrafficState): number | 'down' {
  if (entry.state === 'drain' || entry.weight <= 0) return 'down';
  return Math.min(256, Math.max(1, Math.round(entry.weight)));
}

/** `host:port` as nginx reads it: an IPv6 address in brackets. */
export function nginxServerAddress(address: string, port: number): string {
  return `${address.includes(':') && !address.startsWith('[') ? `[${address}]` : address}:${port}`;
}

const HEADER = '# Written by Ferry: every change to this file is replaced by the next one.';

/**
 * The whole file: one `upstream NAME { … }` block, a server line per entry, sorted by
 * instance id so the same intents always give the same bytes.
 *   upstream web {
 *     server 10.0.0.1:8080 weight=100; # ferry instance=web-1 state=ready weight=100
 *     server 10.0.0.2:8080 down; # ferry instance=web-2 state=drain weight=100
 *   }
 */
export function renderUpstreamFile(upstream: string, entries: readonly UpstreamEntry[]): string {
  const lines = [...entries]
    .sort((a, b) => (a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0))
    .map((e) => {
      const weight = nginxServerWeight(e);
      const directive = `server ${nginxServerAddress(e.address, e.port)} ${weight === 'down' ? 'down' : `weight=${weight}`};`;
      return `  ${directive} # ferry instance=${e.instance_id} state=${e.state} weight=${e.weight}`;
    });
  return [HEADER, `upstream ${upstream} {`, ...lines, '}', ''].join('\n');
}

const SAFE_WORD = /^[A-Za-z0-9._:-]+$/;
const SAFE_ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._:-]+)$/;

/**
 * Whether every entry can be written into nginx's configuration as it is: an address or
 * instance id holding `;`, a space or a line break would otherwise become a directive.
 */
export function checkUpstreamEntries(upstream: string, entries: readonly UpstreamEntry[]): Check {
  if (!SAFE_WORD.test(upstream)) return { ok: false, reason: 'bad_upstream', message: `upstream name ${JSON.stringify(upstream)} is not a plain name` };
  for (const e of entries) {
    if (!SAFE_ADDRESS.test(e.address)) return { ok: false, reason: 'bad_upstream', message: `instance ${e.instance_id}: address ${JSON.stringify(e.address)} cannot be written into nginx's configuration` };
    if (!SAFE_WORD.test(e.instance_id)) return { ok: false, reason: 'bad_upstream', message: `instance id ${JSON.stringify(e.instance_id)} cannot be written into nginx's configuration` };
    if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65_535) return { ok: false, reason: 'bad_upstream', message: `instance ${e.instance_id}: port ${e.port} is not a TCP port` };
  }
  return { ok: true };
}

/** A server line of the upstream file as read back. */
export interface UpstreamServerLine {
  address: string;
  /** The instance its comment names, when it has Ferry's comment. */
  instance_id?: string;
  state: 'ready' | 'drain';
  weight: number;
}

const SERVER_LINE = /^\s*server\s+(\S+?)((?:\s+[^;#\s]+)*)\s*;\s*(?:#\s*ferry\s+instance=(\S+)\s+state=(ready|drain)\s+weight=([0-9.]+))?/;

/**
 * The server lines of the file. The directive decides (someone may have edited the file):
 * `weight=W` → ready at W; `down` → drained, unless Ferry's comment says it is a ready
 * instance at weight 0. Without `weight=` nginx's default weight 1 applies. Only the
 * entries' own checks (checkUpstreamEntries) make the file safe to render.
 */
export function parseUpstreamFile(text: string): UpstreamServerLine[] {
  const servers: UpstreamServerLine[] = [];
  for (const line of text.split('\n')) {
    const match = SERVER_LINE.exec(line);
    if (match === null) continue;
    const params = (match[2] ?? '').trim().split(/\s+/).filter((p) => p !== '');
    const down = params.includes('down');
    const weightParam = params.find((p) => p.startsWith('weight='));
    const noted = match[4] === undefined ? undefined : { state: match[4] as 'ready' | 'drain', weight: Number(match[5]) };
    const server: UpstreamServerLine = { address: match[1]!, ...(match[3] !== undefined ? { instance_id: match[3] } : {}), state: 'ready', weight: 0 };
    if (down) {
      server.state = noted?.state === 'ready' && noted.weight === 0 ? 'ready' : 'drain';
      server.weight = noted?.weight ?? 0;
    } else {
      server.weight = weightParam === undefined ? 1 : Number(weightParam.slice('weight='.length));
      // The comment keeps the intent's own weight where nginx's rounding changed it.
      if (noted?.state === 'ready' && nginxServerWeight(noted) === server.weight) server.weight = noted.weight;
    }
    servers.push(server);
  }
  return servers;
}
