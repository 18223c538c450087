/**
 * The releases kept on this host, as each heartbeat reports them. Reading them walks the
 * releases directories (a readdir and a stat per release), and a heartbeat carrying a goal's
 * outcome is on the path to the next rollout batch, so the list is read again only after
 * the agent installed or deleted a release, or once it is `maxAgeMs` old (a release
 * deleted by hand shows within that).
 */
import { keptReleases } from './release-gc.js';

export class KeptReleases {
  private cached: Promise<Record<string, string[]>> | null = null;
  private readAt = 0;

  constructor(
    private readonly root: string,
    private readonly maxAgeMs = 30_000,
  ) {}

  /** Call once a release was installed or deleted. */
  changed(): void {
    this.cached = null;
  }

  read(now = Date.now()): Promise<Record<string, string[]>> {
    if (this.cached === null || now - this.readAt > this.maxAgeMs) {
      this.cached = keptReleases(this.root);
      this.readAt = now;
    }
    return this.cached;
  }
}
