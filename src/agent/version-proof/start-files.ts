/**
 * What the service's start command runs, as far as it can be read without a shell: its
 * program (looked up on PATH when it names no directory) and the files its arguments name.
 *
 * The `process` proof needs it for a listener whose command line names no file (a program
 * that rewrites its own command line, like `process.title` in Node, or `python3 -m`): its
 * working directory alone would then prove a release even when the start command ran a
 * program installed elsewhere on the host (`http-server public` with a global http-server).
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { readFileHead } from '../file-head.js';

export interface StartFiles {
  /** The program the start command runs, resolved; null when it cannot be read without a shell or is not found. */
  program: string | null;
  /** The interpreter a `#!` line of the program names (`node` for `#!/usr/bin/env node`); null for a binary. */
  interpreter: string | null;
  /** The existing regular files the arguments name, resolved, in order. */
  files: string[];
}

/** Words a shell would expand or treat specially: such a word is not looked at. */
const NOT_PLAIN = /[^A-Za-z0-9_./:@%+,=-]/;

/**
 * The program and arguments of a start command, when its first words can be read as
 * written: leading `VAR=value` assignments and `exec` are skipped; null when the program
 * word needs a shell to read.
 *
 *   "node_modules/.bin/http-server public -p $PORT" → { program: "node_modules/.bin/http-server", args: ["public", "-p"] }
 *   "DEBUG=1 exec python3 -m http.server $PORT"   → { program: "python3", args: ["-m", "http.server"] }
 *   "\"$APP\" serve"                              → null
 *   "cd app && ./run"                             → { program: "cd", args: ["app"] } (a builtin: found on no PATH, so no judgement)
 */
export function startWords(start: string): { program: string; args: string[] } | null {
  const words = start.trim().split(/\s+/);
  let at = 0;
  while (at < words.length && (words[at] === 'exec' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[at]!))) at += 1;
  const program = words[at];
  if (program === undefined || program === '' || NOT_PLAIN.test(program)) return null;
  const args: string[] = [];
  for (const word of words.slice(at + 1)) {
    if (/[;&|<>()]/.test(word)) break; // the end of the first command
    if (!NOT_PLAIN.test(word)) args.push(word);
  }
  return { program, args };
}

/** The start command's program and files, resolved against `cwd` (the release) and `pathEnv`. */
export function startFiles(start: string | null, cwd: string, pathEnv: string | undefined): StartFiles {
  const words = start === null ? null : startWords(start);
  if (words === null) return { program: null, interpreter: null, files: [] };
  const program = words.program.includes('/') ? regularFile(path.resolve(cwd, words.program)) : onPath(words.program, cwd, pathEnv);
  const files = words.args.map((arg) => regularFile(path.resolve(cwd, arg))).filter((file): file is string => file !== null);
  return { program, interpreter: program === null ? null : interpreterOf(program), files };
}

/**
 * The interpreter a script's `#!` line names, by name:
 *   "#!/usr/bin/env node"  → "node"      "#!/bin/sh -e" → "sh"      (an ELF binary) → null
 */
export function shebangInterpreter(head: string): string | null {
  const line = head.startsWith('#!') ? head.slice(2).split('\n')[0]!.trim() : '';
  const [first, second] = line.split(/\s+/);
  if (first === undefined || first === '') return null;
  const name = path.basename(first) === 'env' && second !== undefined ? second : first;
  return path.basename(name);
}

function interpreterOf(file: string): string | null {
  return shebangInterpreter(readFileHead(file, 256)?.toString('latin1') ?? '');
}

/** The first directory of PATH holding `name` as a file (relative directories against `cwd`, as a shell would). */
function onPath(name: string, cwd: string, pathEnv: string | undefined): string | null {
  for (const dir of (pathEnv ?? '').split(':').slice(0, 64)) {
    const found = regularFile(path.resolve(cwd, dir === '' ? '.' : dir, name));
    if (found !== null) return found;
  }
  return null;
}

function regularFile(file: string): string | null {
  try {
    const real = realpathSync(file);
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
