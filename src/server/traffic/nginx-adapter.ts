/**
 * The `nginx` traffic adapter (CONTRACT §5). Open-source nginx has no runtime API, so a
 * change is: write the whole upstream block for `desired` to `upstream_file` (atomically,
 * core/traffic/nginx-upstream.ts renders it), check the configuration, reload, and wait
 * until the reload took effect. Every changed instance gets the same result.
 *
 * - The check is `nginx -T` (test, and print the configuration, which names the pid file):
 *   the `reload` argv with its `-s reload` replaced by `-T`, so it tests the same prefix and
 *   configuration the reload loads; a `reload` without `-s reload` (a service manager's
 *   reload, a script) is checked with `nginx -T` as installed. When the check fails the
 *   previous file is put back and nginx's own message is the error.
 * - The `reload` argv runs without a shell, with a timeout; a non-zero exit puts the
 *   previous file back too, so the file keeps saying what nginx runs.
 * - Taken effect: nginx-master.ts (new workers run, the old ones are retiring). The old
 *   workers still retiring are what activeConnections reports for every instance.
 * - observe reads the file back: it is the whole state nginx has.
 *
 * Changes to one upstream file are applied one at a time, in the order they were asked.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkUpstreamEntries, parseUpstreamFile, renderUpstreamFile } from '../../core/traffic/nginx-upstream.js';
import type { NginxTrafficSpec } from '../../core/traffic/traffic-spec.js';
import { changedTargets } from './changed-targets.js';
import { nginxPidFile, readGeneration, reloadTookEffect, type NginxGeneration } from './nginx-master.js';
import { readFileIfPresent, replaceFileDurably } from './replace-file-durably.js';
import { describeFailedRun, lastLine, runBoundedArgv } from './run-bounded-argv.js';
import type { DesiredTraffic, ObservedTraffic, TrafficAdapter, TrafficResult, TrafficTarget } from './traffic-adapter.js';

/** An upstream file larger than this is not one Ferry wrote. */
const MAX_UPSTREAM_FILE_BYTES = 1024 * 1024;
/** `nginx -T` prints every included file; the pid directive is in the main one, near the top. */
const MAX_DUMP_BYTES = 1024 * 1024;
const RELOAD_POLL_MS = 25;

/**
 * The argv that checks the configuration `reload` would load.
 *   ["/usr/sbin/nginx", "-p", "/srv/ng", "-s", "reload"] → ["/usr/sbin/nginx", "-p", "/srv/ng", "-T"]
 *   ["systemctl", "reload", "nginx"]                     → ["/usr/sbin/nginx", "-T"]
 */
export function nginxCheckArgv(reload: readonly string[]): string[] {
  const at = reload.findIndex((arg, i) => arg === '-s' && reload[i + 1] === 'reload');
  if (at >= 0) return [...reload.slice(0, at), '-T', ...reload.slice(at + 2)];
  return [existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', '-T'];
}

/** The line of nginx's complaint that says what is wrong (`[emerg] …`), bounded. */
export function nginxComplaint(stderr: string): string | undefined {
  const line = stderr.split('\n').find((l) => /\[(emerg|alert|crit|error)\]/.test(l));
  return line === undefined ? lastLine(stderr) : line.trim().slice(0, 500);
}

const queues = new Map<string, Promise<unknown>>();

export class NginxTrafficAdapter implements TrafficAdapter {
  private readonly checkArgv: string[];
  /** Learnt from the configuration at the first check; a drain asks for connections often. */
  private pidFile: string | undefined;

  constructor(
    private readonly spec: NginxTrafficSpec,
    private readonly options: { timeoutMs: number },
  ) {
    this.checkArgv = nginxCheckArgv(spec.reload);
  }

  async apply(desired: readonly DesiredTraffic[], changed: ReadonlySet<string>): Promise<Map<string, TrafficResult>> {
    const { targets, unknown: results } = changedTargets(desired, changed);
    if (targets.length === 0) return results;
    const previous = queues.get(this.spec.upstream_file) ?? Promise.resolve();
    const run = previous.then(() => this.rewriteAndReload(desired));
    queues.set(this.spec.upstream_file, run.catch(() => undefined));
    const failure = await run.catch((error: Error) => `nginx adapter: ${error.message}`);
    for (const target of targets) results.set(target.instance_id, failure === null ? { ok: true } : { ok: false, error: failure });
    return results;
  }

  async activeConnections(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, number> | undefined> {
    const generation = await this.generation();
    if (generation === undefined) return undefined;
    const retiring = generation.workers.filter((w) => w.retiring).length;
    return new Map(targets.map((t) => [t.instance_id, retiring]));
  }

  async observe(targets: readonly TrafficTarget[]): Promise<ReadonlyMap<string, ObservedTraffic> | undefined> {
    let text: string | null;
    try {
      text = await readFileIfPresent(this.spec.upstream_file, MAX_UPSTREAM_FILE_BYTES);
    } catch {
      return undefined;
    }
    const lines = parseUpstreamFile(text ?? '');
    return new Map(
      targets.map((t) => {
        const line = lines.find((l) => l.instance_id === t.instance_id) ?? lines.find((l) => l.instance_id === undefined && l.address === `${t.address}:${t.port}`);
        return [t.instance_id, line === undefined ? { state: 'other' as const, weight: 0 } : { state: line.state, weight: line.weight }];
      }),
    );
  }

  /** null when nginx runs the new file, else why not (the previous file is back where it could be). */
  private async rewriteAndReload(desired: readonly DesiredTraffic[]): Promise<string | null> {
    const entries = desired.map((d) => ({ service: d.service, instance_id: d.instance_id, address: d.address, port: d.port, state: d.state, weight: d.weight }));
    const safe = checkUpstreamEntries(this.spec.upstream, entries);
    if (!safe.ok) return safe.message;
    const file = this.spec.upstream_file;
    const before = await readFileIfPresent(file, MAX_UPSTREAM_FILE_BYTES);
    await replaceFileDurably(file, renderUpstreamFile(this.spec.upstream, entries));

    const check = await runBoundedArgv(this.checkArgv, { timeoutMs: this.options.timeoutMs, maxOutputBytes: MAX_DUMP_BYTES });
    if (describeFailedRun('nginx -T', check, this.options.timeoutMs) !== null) {
      await this.restore(before);
      const why = check.exitCode !== null && check.exitCode !== 0 ? nginxComplaint(check.stderr) : undefined;
      return `nginx refused the new upstream file (${file} restored): ${why ?? describeFailedRun(basename(this.checkArgv[0]!), check, this.options.timeoutMs)}`;
    }
    const pidFile = nginxPidFile(check.stdout, this.checkArgv, await this.compiledPaths(check.stdout));
    this.pidFile = pidFile;
    const generation = readGeneration(pidFile);
    if (generation === undefined) {
      await this.restore(before);
      return `nginx is not running: its pid file ${pidFile} names no running process (${file} restored)`;
    }

    const reload = await runBoundedArgv(this.spec.reload, { timeoutMs: this.options.timeoutMs });
    const reloadFailure = describeFailedRun(basename(this.spec.reload[0]!), reload, this.options.timeoutMs);
    if (reloadFailure !== null) {
      await this.restore(before);
      return `reload failed (${file} restored): ${reloadFailure}`;
    }
    return this.waitForReload(pidFile, generation);
  }

  /** Polls /proc until the reload took effect, within the adapter's timeout. */
  private async waitForReload(pidFile: string, before: NginxGeneration): Promise<string | null> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (;;) {
      const now = readGeneration(pidFile);
      if (now !== undefined && reloadTookEffect(before, now)) return null;
      if (Date.now() >= deadline) {
        const serving = now?.workers.filter((w) => !w.retiring).map((w) => w.pid) ?? [];
        return `nginx did not take the reload within ${this.options.timeoutMs} ms: workers serving now ${serving.join(', ') || 'none'}, before the reload ${before.workers.map((w) => w.pid).join(', ') || 'none'}`;
      }
      await new Promise((resolve) => setTimeout(resolve, RELOAD_POLL_MS));
    }
  }

  /** `nginx -V`'s compiled paths, asked only when the configuration names no pid file. */
  private async compiledPaths(dump: string): Promise<string> {
    if (/^[ \t]*pid[ \t]/m.test(dump)) return '';
    const version = await runBoundedArgv([this.checkArgv[0]!, '-V'], { timeoutMs: this.options.timeoutMs });
    return version.stderr + version.stdout;
  }

  private async generation(): Promise<NginxGeneration | undefined> {
    if (this.pidFile !== undefined) return readGeneration(this.pidFile);
    const check = await runBoundedArgv(this.checkArgv, { timeoutMs: this.options.timeoutMs, maxOutputBytes: MAX_DUMP_BYTES });
    if (check.exitCode !== 0) return undefined;
    this.pidFile = nginxPidFile(check.stdout, this.checkArgv, await this.compiledPaths(check.stdout));
    return readGeneration(this.pidFile);
  }

  private async restore(before: string | null): Promise<void> {
    if (before === null) {
      await rm(this.spec.upstream_file, { force: true });
    } else {
      await replaceFileDurably(this.spec.upstream_file, before);
    }
  }
}
