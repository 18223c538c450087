/** The wake signal within one server process (wake-signal.ts): an event emitter. */
import { EventEmitter } from 'node:events';
import type { WakeSignal } from './wake-signal.js';

export class InProcessWakeSignal implements WakeSignal {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  reconcile(): void {
    this.emitter.emit('reconcile');
  }

  hosts(hosts: Iterable<string>): void {
    for (const host of new Set(hosts)) this.emitter.emit(`host:${host}`);
  }

  onReconcile(listener: () => void): () => void {
    this.emitter.on('reconcile', listener);
    return () => this.emitter.off('reconcile', listener);
  }

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
