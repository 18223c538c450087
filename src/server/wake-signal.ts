/**
 * In-process nudges between request handlers and loops: a deployment created wakes the
 * reconciler, a goal changed wakes the long-polls of that host's agent. Nudges only
 * shorten waits; every waiter also re-reads the store on a timer, so a lost nudge (or
 * another replica's write) costs latency, never correctness.
 */
import { EventEmitter } from 'node:events';

export class WakeSignal {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Something an operation depends on changed: run the reconciler soon. */
  reconcile(): void {
    this.emitter.emit('reconcile');
  }

  /** Assignments of these hosts may have changed. */
  hosts(hosts: Iterable<string>): void {
    for (const host of new Set(hosts)) this.emitter.emit(`host:${host}`);
  }

  onReconcile(listener: () => void): () => void {
    this.emitter.on('reconcile', listener);
    return () => this.emitter.off('reconcile', listener);
  }

  /** Resolves when the host is nudged or after `ms`, whichever comes first. */
  waitForHost(host: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(`host:${host}`, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.once(`host:${host}`, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
