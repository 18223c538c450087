/**
 * Versions some worker is about to switch to, per service. Garbage collection runs per
 * service while other instances of it may be mid-switch; a release installed (or found
 * kept) for a switch must not vanish before its `current` link points at it.
 */
export class ReleaseClaims {
  private readonly counts = new Map<string, number>();

  /** Claims `service`/`version` until the returned function is called. */
  claim(service: string, version: string): () => void {
    const key = `${service}/${version}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }

  /** Versions of `service` currently claimed. */
  claimed(service: string): string[] {
    const prefix = `${service}/`;
    return [...this.counts.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
  }
}
