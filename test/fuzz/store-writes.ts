/**
 * Tells whether a request wrote to the SQLite store: a second, read-only connection reads
 * `PRAGMA data_version`, which changes whenever another connection commits, and counts
 * each table's rows (for the failure message). Covers every table, including ones added later.
 */
import Database from 'better-sqlite3';

export interface StoreSnapshot {
  dataVersion: number;
  rows: Record<string, number>;
}

export class StoreWriteProbe {
  private readonly db: Database.Database;
  private readonly tables: string[];

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.tables = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
  }

  snapshot(): StoreSnapshot {
    const rows: Record<string, number> = {};
    for (const table of this.tables) rows[table] = (this.db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
    return { dataVersion: this.db.pragma('data_version', { simple: true }) as number, rows };
  }

  /** What changed between two snapshots; empty when nothing was committed. */
  static changes(before: StoreSnapshot, after: StoreSnapshot): string[] {
    const changed = Object.keys(after.rows)
      .filter((t) => after.rows[t] !== before.rows[t])
      .map((t) => `${t}: ${before.rows[t]} → ${after.rows[t]} rows`);
    if (changed.length === 0 && after.dataVersion !== before.dataVersion) changed.push('a commit that changed no row count');
    return changed;
  }

  close(): void {
    this.db.close();
  }
}
