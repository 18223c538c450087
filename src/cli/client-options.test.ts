import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstToken } from './client-options.js';

let dir: string;
let tokenFile: string;
let emptyFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-token-'));
  tokenFile = join(dir, 'admin.token');
  emptyFile = join(dir, 'empty.token');
  await writeFile(tokenFile, 'from-file\n');
  await writeFile(emptyFile, '\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('firstToken', () => {
  it.each<[string, Array<string | undefined>, 'file' | 'empty' | 'missing', string | null]>([
    ['the flag wins', ['flag', 'env'], 'file', 'flag'],
    ['then the environment', [undefined, 'env'], 'file', 'env'],
    ['an empty value counts as unset', ['', ' '], 'file', 'from-file'],
    ['then the token file, trimmed', [undefined, undefined], 'file', 'from-file'],
    ['an empty file is no token', [undefined], 'empty', null],
    ['no file, no token', [undefined], 'missing', null],
  ])('%s', (_name, candidates, file, expected) => {
    const path = file === 'file' ? tokenFile : file === 'empty' ? emptyFile : join(dir, 'absent');
    expect(firstToken(candidates, path)).toBe(expected);
  });
});
