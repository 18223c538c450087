/**
 * Where `ferry agent` takes its token from, so that it need not appear in `ps`: a token
 * on the command line is readable by every user of the host, a token file or the
 * environment is not. Order (the first set wins):
 *
 *   --token TOKEN                 still works, with a warning that `ps` shows it
 *   --token-file FILE             (env FERRY_AGENT_TOKEN_FILE when the flag is absent)
 *   FERRY_AGENT_TOKEN, FERRY_TOKEN
 *   ./.ferry/admin.token          a single-machine setup's generated admin token
 *
 * A token file readable by group or others is refused: the point of the file is that
 * only the agent's user can read it.
 */
import { readFileSync, statSync } from 'node:fs';
import { exposedTokenFileProblem } from '../config/token-file.js';
import { firstToken } from './client-options.js';

export interface AgentTokenSources {
  flagToken?: string | undefined;
  flagTokenFile?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The single-machine fallback, ./.ferry/admin.token resolved. */
  localTokenFile: string;
}

export type AgentTokenResult =
  | { ok: true; token: string; source: string; warning: string | null }
  | { ok: false; message: string };

export const TOKEN_ON_COMMAND_LINE_WARNING =
  'ferry: warning: --token is visible to every user in the process list; use --token-file FILE or FERRY_AGENT_TOKEN instead';

export function resolveAgentToken(sources: AgentTokenSources): AgentTokenResult {
  const flag = sources.flagToken?.trim();
  if (flag) return { ok: true, token: flag, source: '--token', warning: TOKEN_ON_COMMAND_LINE_WARNING };
  const file = nonEmpty(sources.flagTokenFile) ?? nonEmpty(sources.env.FERRY_AGENT_TOKEN_FILE);
  if (file !== undefined) return readTokenFile(file);
  for (const name of ['FERRY_AGENT_TOKEN', 'FERRY_TOKEN'] as const) {
    const value = sources.env[name]?.trim();
    if (value) return { ok: true, token: value, source: name, warning: null };
  }
  const local = firstToken([], sources.localTokenFile);
  if (local !== null) return { ok: true, token: local, source: sources.localTokenFile, warning: null };
  return { ok: false, message: 'no agent token: pass --token-file FILE, or set FERRY_AGENT_TOKEN_FILE, FERRY_AGENT_TOKEN or FERRY_TOKEN (or run where ./.ferry/admin.token exists)' };
}

/** The trimmed token in `file`, refused when the file is missing, empty, or readable by group or others. */
export function readTokenFile(file: string): AgentTokenResult {
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, message: `cannot read token file ${file}: ${(err as Error).message}` };
  }
  const exposed = exposedTokenFileProblem(file, mode);
  if (exposed !== null) return { ok: false, message: exposed };
  const token = text.trim();
  if (token === '') return { ok: false, message: `token file ${file} is empty` };
  return { ok: true, token, source: file, warning: null };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
