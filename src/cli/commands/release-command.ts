/**
 * `ferry release add S V --package-url URL --sha256 HEX [--git-sha SHA]`: register an
 * immutable release (POST /api/v1/releases). `ferry release show S V` shows one release
 * with its evidence and last readiness. `ferry releases S` lists a service's releases,
 * newest first.
 */
import type { Command } from 'commander';
import { writeJson, writeLine, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { checkPackageIdentity, resolvePackageReference } from '../package-reference.js';
import { evidenceTable, readinessLines, type EvidenceView, type ReadinessView } from '../readiness-views.js';

interface ReleaseAddFlags extends ClientFlags {
  packageUrl: string;
  sha256?: string;
  gitSha?: string;
  buildTime?: string;
}

interface ReleaseBody {
  service: string;
  version: string;
  sha256: string;
  package_url: string;
  git_sha: string | null;
  build_time: string | null;
  registered_at?: string;
}

export function registerReleaseCommands(program: Command): void {
  const release = program.command('release').description('manage releases (immutable versions)');
  addClientOptions(
    release
      .command('add')
      .description('register an immutable release of a service')
      .argument('<service>')
      .argument('<version>')
      .requiredOption('--package-url <url>', 'http(s):// or file:// URL of the package, or a local path (made a file:// URL)')
      .option('--sha256 <hex>', "the package's sha256 (may be left out for a local package with a sibling .sha256 file)")
      .option('--git-sha <sha>', 'git commit the release was built from')
      .option('--build-time <iso>', 'when the package was built'),
  ).action(async (service: string, version: string, flags: ReleaseAddFlags) => {
    const { client, json } = clientContext(flags);
    const reference = resolvePackageReference(flags.packageUrl, flags.sha256, true);
    checkPackageIdentity(reference, service, version);
    const body = {
      service,
      version,
      ...reference,
      ...(flags.gitSha !== undefined ? { git_sha: flags.gitSha } : {}),
      ...(flags.buildTime !== undefined ? { build_time: flags.buildTime } : {}),
    };
    const answer = await client.send<ReleaseBody>('POST', '/api/v1/releases', body);
    if (json) return writeJson(answer.body);
    const verb = answer.status === 201 ? 'registered' : 'already registered';
    writeLine(`${verb} ${answer.body.service} ${answer.body.version} sha256 ${answer.body.sha256}`);
  });

  addClientOptions(release.command('show').description('one release with its evidence, oldest first, and its last readiness').argument('<service>').argument('<version>')).action(
    async (service: string, version: string, flags: ClientFlags) => {
      const { client, json } = clientContext(flags);
      const view = await client.get<ReleaseBody & { evidence: EvidenceView[]; readiness: ReadinessView | null }>(`/api/v1/releases/${encodeURIComponent(service)}/${encodeURIComponent(version)}`);
      if (json) return writeJson(view);
      writeLine(`${view.service} ${view.version}  sha256 ${view.sha256}  git ${view.git_sha ?? '-'}  registered ${view.registered_at ?? '-'}`);
      writeLine(`package ${view.package_url}`);
      writeLine('');
      writeLine(view.evidence.length === 0 ? 'no evidence yet' : evidenceTable(view.evidence));
      writeLine('');
      if (view.readiness === null) writeLine(`readiness: not evaluated (ferry readiness ${service} ${version})`);
      else for (const line of readinessLines(view.readiness)) writeLine(line);
    },
  );

  addClientOptions(
    program.command('releases').description("list a service's registered releases, newest first").argument('<service>'),
  ).action(async (service: string, flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const answer = await client.get<{ releases: ReleaseBody[] }>(`/api/v1/services/${encodeURIComponent(service)}/releases`);
    if (json) return writeJson(answer);
    writeTable(
      ['VERSION', 'SHA256', 'GIT SHA', 'BUILT', 'REGISTERED'],
      answer.releases.map((r) => [r.version, r.sha256.slice(0, 12), r.git_sha?.slice(0, 12), r.build_time, r.registered_at]),
    );
  });
}
