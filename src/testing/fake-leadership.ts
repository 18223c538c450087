/**
 * Test support (not built into an election): leadership the test hands out and takes away
 * with `set`, telling listeners as a real election would.
 */
import { EventEmitter } from 'node:events';
import type { Leadership } from '../server/leadership.js';

export class SwitchableLeadership implements Leadership {
  private readonly emitter = new EventEmitter();

  constructor(private leader: boolean) {}

  isLeader(): boolean {
    return this.leader;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  set(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.emitter.emit('change', leader);
  }
}
