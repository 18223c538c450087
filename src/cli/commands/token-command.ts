/**
 * `ferry token create|list|revoke` (CONTRACT §9): named tokens with a role. The secret
 * is printed once, alone on stdout, so `ferry token create ci --role deployer > ci.token`
 * captures exactly it; everything else goes to stderr.
 */
import { Option, type Command } from 'commander';
import { writeJson, writeLine, writeNote, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { isoTimestamp } from '../option-values.js';

const ROLES = ['viewer', 'sessions', 'deployer', 'admin', 'agent'];

interface TokenView {
  token_id: string;
  name: string;
  role: string;
  host_id: string | null;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  status: string;
  token?: string;
}

interface CreateFlags extends ClientFlags {
  role: string;
  host?: string;
  expires?: string;
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('named API tokens with a role: create, list, revoke');

  addClientOptions(
    token
      .command('create')
      .description('create a token; its secret is printed once')
      .argument('<name>')
      .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
      .option('--host <host_id>', 'the host an agent token is bound to (required with --role agent)')
      .option('--expires <iso>', 'when the token stops working', isoTimestamp),
  ).action(async (name: string, flags: CreateFlags) => {
    const { client, json } = clientContext(flags);
    const created = await client.post<TokenView>('/api/v1/tokens', {
      name,
      role: flags.role,
      ...(flags.host !== undefined ? { host_id: flags.host } : {}),
      ...(flags.expires !== undefined ? { expires_at: flags.expires } : {}),
    });
    if (json) return writeJson(created);
    writeLine(created.token);
    writeNote(`ferry: token ${created.name} (${created.token_id}, ${created.role}${created.host_id ? ` for host ${created.host_id}` : ''}) created; the secret above is shown only now`);
  });

  addClientOptions(token.command('list').description('every token, without secrets')).action(async (flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const view = await client.get<{ tokens: TokenView[] }>('/api/v1/tokens');
    if (json) return writeJson(view);
    writeTable(
      ['TOKEN_ID', 'NAME', 'ROLE', 'HOST', 'STATUS', 'EXPIRES', 'CREATED_BY', 'CREATED'],
      view.tokens.map((t) => [t.token_id, t.name, t.role, t.host_id, t.status, t.expires_at, t.created_by, t.created_at]),
    );
  });

  addClientOptions(token.command('revoke').description('revoke a token; it stops working at once').argument('<token_id>')).action(async (tokenId: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const revoked = (await client.send<TokenView>('DELETE', `/api/v1/tokens/${encodeURIComponent(tokenId)}`)).body;
    if (json) return writeJson(revoked);
    writeLine(`revoked ${revoked.token_id} (${revoked.name}, ${revoked.role})`);
  });
}
