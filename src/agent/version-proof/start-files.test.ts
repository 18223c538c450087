import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shebangInterpreter, startFiles, startWords } from './start-files.js';

describe('startWords', () => {
  it.each([
    ['node_modules/.bin/http-server public -p $PORT -a 127.0.0.1', { program: 'node_modules/.bin/http-server', args: ['public', '-p', '-a', '127.0.0.1'] }],
    ['DEBUG=1 exec python3 -m http.server $PORT', { program: 'python3', args: ['-m', 'http.server'] }],
    ['sh run.sh && echo done', { program: 'sh', args: ['run.sh'] }],
    ['"$APP" serve', null],
    ['', null],
  ])('%s', (start, expected) => {
    expect(startWords(start)).toEqual(expected);
  });
});

describe('shebangInterpreter', () => {
  it.each([
    ['#!/usr/bin/env node\nconsole.log(1)', 'node'],
    ['#!/bin/sh -e\n', 'sh'],
    ['#! /usr/bin/python3\n', 'python3'],
    ['\u007fELF\u0002\u0001', null],
    ['', null],
  ])('%j → %s', (head, interpreter) => {
    expect(shebangInterpreter(head)).toBe(interpreter);
  });
});

describe('startFiles on a real tree', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-start-files-'));
    await mkdir(join(dir, 'release/node_modules/app/bin'), { recursive: true });
    await mkdir(join(dir, 'release/node_modules/.bin'), { recursive: true });
    await mkdir(join(dir, 'host-bin'));
    await writeFile(join(dir, 'release/node_modules/app/bin/app'), '#!/usr/bin/env node\n');
    await symlink('../app/bin/app', join(dir, 'release/node_modules/.bin/app'));
    await writeFile(join(dir, 'host-bin/app'), '#!/bin/sh\n');
    await chmod(join(dir, 'host-bin/app'), 0o755);
    await writeFile(join(dir, 'release/run.sh'), 'exec python3 -m http.server\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('resolves a program with a directory against the release, through its symlinks', () => {
    const found = startFiles('node_modules/.bin/app public -p $PORT', join(dir, 'release'), '/nowhere');
    expect(found).toEqual({ program: join(dir, 'release/node_modules/app/bin/app'), interpreter: 'node', files: [] });
  });

  it('looks a bare program up on PATH, and keeps the files its arguments name', () => {
    expect(startFiles('app public', join(dir, 'release'), `/nowhere:${join(dir, 'host-bin')}`)).toEqual({ program: join(dir, 'host-bin/app'), interpreter: 'sh', files: [] });
    expect(startFiles('sh run.sh', join(dir, 'release'), '/nowhere').files).toEqual([join(dir, 'release/run.sh')]);
  });

  it('knows nothing of a command it cannot read without a shell, or of none', () => {
    expect(startFiles('"$APP" serve', join(dir, 'release'), process.env.PATH)).toEqual({ program: null, interpreter: null, files: [] });
    expect(startFiles(null, join(dir, 'release'), process.env.PATH)).toEqual({ program: null, interpreter: null, files: [] });
  });
});
