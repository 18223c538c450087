/**
 * `ferry freeze add|list|remove` (CONTRACT §4): freeze windows that refuse deployments
 * (exit 4 from `ferry deploy`) until they end or an operator overrides them.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { FreezeRecurrence, WeeklySpan } from '../../core/freezes/freeze-window.js';
import { writeJson, writeLine, writeNote, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { usageFailure } from '../exit-codes.js';
import { collectSpans, freezeTime } from '../freeze-flags.js';

interface FreezeView {
  freeze_id: string;
  service: string | null;
  starts_at: string;
  ends_at: string;
  reason: string;
  recurrence: FreezeRecurrence | null;
  active_now: boolean;
  current_ends_at: string | null;
  /** Set when the stored window can no longer be evaluated (it then covers, failing closed). */
  error?: string | null;
}

interface AddFlags extends ClientFlags {
  service?: string;
  from: string;
  until: string;
  reason: string;
  weekly?: WeeklySpan[];
  timeZone?: string;
}

function nonEmpty(raw: string): string {
  if (raw.trim() === '') throw new InvalidArgumentError('expected some text, got nothing');
  return raw;
}

/** "2026-12-24T00:00:00.000Z → 2026-12-27T00:00:00.000Z", and for a weekly window its spans and zone. */
function windowText(f: FreezeView): string {
  const bounds = `${f.starts_at} → ${f.ends_at}`;
  if (f.recurrence === null) return bounds;
  const spans = f.recurrence.weekly.map((s) => `${s.day} ${s.from}-${s.to}`).join(', ');
  return `weekly ${spans} ${f.recurrence.time_zone ?? 'UTC'}, ${bounds}`;
}

export function registerFreezeCommands(program: Command): void {
  const freeze = program.command('freeze').description('freeze windows: while one covers a service, deployments to it are refused');

  addClientOptions(
    freeze
      .command('add')
      .description('declare a freeze window (one-off, or weekly spans between --from and --until)')
      .option('--service <service>', 'the service it freezes (default: every service)')
      .requiredOption('--from <iso>', 'when the window (or its recurrence) starts', freezeTime)
      .requiredOption('--until <iso>', 'when it ends', freezeTime)
      .requiredOption('--reason <text>', 'why; shown to everyone it refuses', nonEmpty)
      .option('--weekly <span>', 'a weekly span such as "fri 16:00-mon 08:00" (repeatable)', collectSpans)
      .option('--time-zone <zone>', 'IANA zone the weekly spans are read in (default UTC)'),
  ).action(async (flags: AddFlags) => {
    if (flags.timeZone !== undefined && flags.weekly === undefined) throw usageFailure('--time-zone needs --weekly: a one-off window has no wall times to read in a zone');
    const { client, json } = clientContext(flags);
    const created = await client.post<FreezeView>('/api/v1/freezes', {
      ...(flags.service !== undefined ? { service: flags.service } : {}),
      starts_at: flags.from,
      ends_at: flags.until,
      reason: flags.reason,
      ...(flags.weekly !== undefined ? { recurrence: { weekly: flags.weekly, ...(flags.timeZone !== undefined ? { time_zone: flags.timeZone } : {}) } } : {}),
    });
    if (json) return writeJson(created);
    writeLine(created.freeze_id);
  });

  addClientOptions(freeze.command('list').description('live freeze windows, and whether each covers now').option('--service <service>', 'only the windows that apply to this service (its own and the global ones)')).action(
    async (flags: ClientFlags & { service?: string }) => {
      const { client, json } = clientContext(flags);
      const query = flags.service === undefined ? '' : `?service=${encodeURIComponent(flags.service)}`;
      const view = await client.get<{ freezes: FreezeView[] }>(`/api/v1/freezes${query}`);
      if (json) return writeJson(view);
      writeTable(
        ['FREEZE_ID', 'SERVICE', 'WINDOW', 'REASON', 'ACTIVE_NOW', 'ENDS'],
        view.freezes.map((f) => [f.freeze_id, f.service ?? 'all', windowText(f), f.reason, f.active_now ? 'yes' : 'no', f.current_ends_at ?? '-']),
      );
      // A window that cannot be evaluated covers until removed or fixed: say so beside the table, once each.
      for (const f of view.freezes) if (f.error) writeNote(f.error);
    },
  );

  addClientOptions(freeze.command('remove').description('remove a freeze window; deployments it refused may go ahead').argument('<freeze_id>')).action(async (freezeId: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const removed = (await client.send<FreezeView>('DELETE', `/api/v1/freezes/${encodeURIComponent(freezeId)}`)).body;
    if (json) return writeJson(removed);
    writeLine(`removed ${removed.freeze_id} (${removed.reason})`);
  });
}
