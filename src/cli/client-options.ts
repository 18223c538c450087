/**
 * Options every client command shares (CONTRACT §1): where the server is, which token
 * to present, and whether to print the API's JSON. Resolved here once so each command
 * only sees a ready `ApiClient`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ApiClient } from './api-client.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:7400';
/** Where `ferry server` keeps a generated admin token when run from the same directory with the default data dir. */
export const LOCAL_ADMIN_TOKEN_FILE = '.ferry/admin.token';

export interface ClientFlags {
  server: string;
  token?: string;
  caFile?: string;
  json?: boolean;
}

export interface ClientContext {
  client: ApiClient;
  json: boolean;
}

export function addClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--server <url>', 'ferry server URL').env('FERRY_SERVER').default(DEFAULT_SERVER))
    .option('--token <token>', 'API token (else FERRY_TOKEN, else ./.ferry/admin.token)')
    .addOption(new Option('--ca-file <file>', 'PEM CA certificates to verify an https server with (default: the system roots)').env('FERRY_CA_FILE'))
    .option('--json', "print the API's response body as JSON");
}

export function clientContext(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): ClientContext {
  const token = firstToken([flags.token, env.FERRY_TOKEN], resolve(LOCAL_ADMIN_TOKEN_FILE));
  return { client: new ApiClient(flags.server, token, flags.caFile), json: flags.json === true };
}

/**
 * The first non-empty candidate, else the trimmed content of `tokenFile` when it exists
 * and is not empty, else null (the server will then answer 401, reported as exit 3).
 * Empty strings count as unset so `FERRY_TOKEN=` does not shadow the file.
 */
export function firstToken(candidates: Array<string | undefined>, tokenFile: string): string | null {
  for (const candidate of candidates) {
    const trimmed = candidate?.trim();
    if (trimmed) return trimmed;
  }
  try {
    const fromFile = readFileSync(tokenFile, 'utf8').trim();
    return fromFile === '' ? null : fromFile;
  } catch {
    return null;
  }
}
