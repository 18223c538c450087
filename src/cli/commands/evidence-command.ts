/**
 * `ferry evidence add S V --check C (--passed | --failed) [--summary …] [--url …]
 * [--details JSON] [--junit FILE] [--source NAME]` (CONTRACT §4): one record of a
 * release's evidence. `--junit` derives passed and the summary from a JUnit XML report
 * (an explicit --passed/--failed must agree with it); `--summary` still wins over the
 * derived one, and the report's counts join `details`.
 */
import type { Command } from 'commander';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { usageFailure } from '../exit-codes.js';
import { readJUnitReport } from '../junit-report.js';
import type { EvidenceView } from '../readiness-views.js';

interface EvidenceAddFlags extends ClientFlags {
  check: string;
  passed?: boolean;
  failed?: boolean;
  summary?: string;
  url?: string;
  details?: string;
  junit?: string;
  source?: string;
}

export function registerEvidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description("a release's evidence: the checks that admit it (CONTRACT §4)");
  addClientOptions(
    evidence
      .command('add')
      .description('record that a release passed or failed one check')
      .argument('<service>')
      .argument('<version>')
      .requiredOption('--check <name>', 'quality, performance, security, cost, rollout, rollback, ops, or x-<name> (replay evidence comes from ferry replay S V)')
      .option('--passed', 'the check passed')
      .option('--failed', 'the check failed')
      .option('--summary <text>', 'one line for a person (at most 2000 characters)')
      .option('--url <url>', 'where the run can be seen (http or https)')
      .option('--details <json>', 'a JSON object kept with the record (at most 64 KiB)')
      .option('--junit <file>', 'a JUnit XML report: passed = no failures or errors, and the summary from its counts')
      .option('--source <name>', 'who ran the check (default ci)'),
  ).action(async (service: string, version: string, flags: EvidenceAddFlags) => {
    const body = await evidenceBody(flags);
    const { client, json } = clientContext(flags);
    const answer = await client.send<EvidenceView>('POST', `/api/v1/releases/${encodeURIComponent(service)}/${encodeURIComponent(version)}/evidence`, body);
    if (json) return writeJson(answer.body);
    const record = answer.body;
    writeLine(`recorded ${record.check} ${record.passed ? 'passed' : 'failed'} for ${service} ${version} (evidence ${record.id}${record.summary ? `: ${record.summary}` : ''})`);
  });
}

/** The request body from the flags, or a usage failure (exit 2) naming what is wrong. */
async function evidenceBody(flags: EvidenceAddFlags): Promise<Record<string, unknown>> {
  if (flags.passed && flags.failed) throw usageFailure('give one of --passed and --failed, not both');
  const stated = flags.passed ? true : flags.failed ? false : undefined;
  const details = flags.details === undefined ? {} : parseDetails(flags.details);
  let passed = stated;
  let summary = flags.summary;
  if (flags.junit !== undefined) {
    const report = await readJUnitReport(flags.junit);
    if (stated !== undefined && stated !== report.passed) throw usageFailure(`--${stated ? 'passed' : 'failed'} contradicts ${flags.junit} (${report.summary})`);
    passed = report.passed;
    summary ??= report.summary;
    Object.assign(details, { junit: report.counts });
  }
  if (passed === undefined) throw usageFailure('say whether the check passed: --passed, --failed, or --junit FILE');
  return {
    check: flags.check,
    passed,
    ...(summary !== undefined ? { summary } : {}),
    ...(flags.url !== undefined ? { url: flags.url } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(flags.source !== undefined ? { source: flags.source } : {}),
  };
}

function parseDetails(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usageFailure('--details must be a JSON object, e.g. \'{"tests": 412}\'');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usageFailure('--details must be a JSON object, not an array or a single value');
  return value as Record<string, unknown>;
}
