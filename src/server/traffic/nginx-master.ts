/**
 * What the nginx adapter knows of the running nginx, read from its pid file and /proc:
 * the master and its worker processes, and whether a reload took effect.
 *
 * `nginx -s reload` returns as soon as it has signalled the master. The master then reads
 * the configuration, starts new workers and tells the old ones to stop taking requests;
 * each old worker finishes the requests it has, retitling itself `worker process is
 * shutting down`, and exits. Until then an old worker may still pass a request to an
 * instance the new file drained, so a reload counts as taken effect only once a worker
 * started after it runs and every worker from before it is gone or shutting down; and the
 * workers still shutting down are the connections a drain waits on (nginx cannot count
 * them per upstream server).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A worker of the master, and whether it is finishing its last requests. */
export interface NginxWorker {
  pid: number;
  retiring: boolean;
}

export interface NginxGeneration {
  master: number;
  workers: NginxWorker[];
}

/**
 * The pid file a configuration names, from `nginx -T`'s dump of it; a relative path is
 * under the prefix (`-p` in the argv, else the compiled one, as nginx resolves it), and
 * no `pid` directive means the compiled `--pid-path` (from `nginx -V`).
 *   "pid /run/web.pid;"                → /run/web.pid
 *   "pid logs/nginx.pid;", -p /srv/ng  → /srv/ng/logs/nginx.pid
 */
export function nginxPidFile(dump: string, argv: readonly string[], compiled: string): string {
  const directive = /^[ \t]*pid[ \t]+("?)([^";\s]+)\1[ \t]*;/m.exec(dump)?.[2];
  const compiledPid = /--pid-path=(\S+)/.exec(compiled)?.[1] ?? '/run/nginx.pid';
  const flag = argv.indexOf('-p');
  const prefix = (flag >= 0 ? argv[flag + 1] : undefined) ?? /--prefix=(\S+)/.exec(compiled)?.[1] ?? '/usr/share/nginx';
  return resolve(prefix, directive ?? compiledPid);
}

/** The master's pid from its pid file, or undefined when it cannot be read. */
export function readMasterPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The master and its workers now, or undefined when the pid file names no running nginx master. */
export function readGeneration(pidFile: string): NginxGeneration | undefined {
  const master = readMasterPid(pidFile);
  // A stale pid file may name a process that reused the pid: only an nginx master counts.
  if (master === undefined || !(titleOf(master) ?? '').includes('master process')) return undefined;
  const workers: NginxWorker[] = [];
  for (const pid of childrenOf(master)) {
    const title = titleOf(pid);
    // A freshly forked child still carries the master's title until it names itself.
    if (title === undefined || !title.includes('worker process')) continue;
    workers.push({ pid, retiring: title.includes('shutting down') });
  }
  return { master, workers };
}

/**
 * Whether the reload that followed `before` took effect in `now`: a worker that was not
 * there before runs (not retiring), and every worker from before is gone or retiring.
 */
export function reloadTookEffect(before: NginxGeneration, now: NginxGeneration): boolean {
  const old = new Set(before.workers.map((w) => w.pid));
  const fresh = now.workers.some((w) => !old.has(w.pid) && !w.retiring);
  const oldStillServing = now.workers.some((w) => old.has(w.pid) && !w.retiring);
  return fresh && !oldStillServing;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: every process's parent, from its stat line.
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((child) => parentOf(child) === pid);
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function titleOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return undefined;
  }
}
