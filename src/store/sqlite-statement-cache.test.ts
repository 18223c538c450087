import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.js';

describe('withStatementCache', () => {
  it('hands out one compiled statement per SQL text, evicting the least recently used', () => {
    const database = new SqliteDatabase(':memory:');
    const cached = withStatementCache(database, 2);
    const a = cached.prepare('select 1 as a');
    expect(cached.prepare('select 1 as a')).toBe(a);
    const b = cached.prepare('select 2 as b');
    cached.prepare('select 1 as a'); // a is now the most recently used
    cached.prepare('select 3 as c'); // evicts b
    expect(cached.prepare('select 1 as a')).toBe(a);
    expect(cached.prepare('select 2 as b')).not.toBe(b);
    expect(a.all([])).toEqual([{ a: 1 }]);
    cached.close();
    expect(database.open).toBe(false);
  });

  it('sees a table recreated with other columns through a statement compiled before', () => {
    const database = new SqliteDatabase(':memory:');
    const cached = withStatementCache(database);
    database.exec('create table t (x integer); insert into t values (1)');
    expect(cached.prepare('select * from t').all([])).toEqual([{ x: 1 }]);
    database.exec('drop table t; create table t (x integer, y integer); insert into t values (2, 3)');
    expect(cached.prepare('select * from t').all([])).toEqual([{ x: 2, y: 3 }]);
    cached.close();
  });
});
