/**
 * `ferry package DIR --service S --version V [--git-sha SHA] --out OUTDIR`: build the
 * release package locally (src/packaging) and say where it is and what its sha256 is,
 * the two facts `ferry release add` needs next.
 */
import type { Command } from 'commander';
import { writeJson, writeLine } from '../cli-output.js';
import { usageFailure } from '../exit-codes.js';

interface PackageFlags {
  service: string;
  version: string;
  gitSha?: string;
  out: string;
  json?: boolean;
}

export function registerPackageCommand(program: Command): void {
  program
    .command('package')
    .description('build S-V.tar.gz, S-V.tar.gz.sha256 and S-V.manifest.json from a service directory')
    .argument('<dir>', 'the service directory to package')
    .requiredOption('--service <name>', 'service name')
    .requiredOption('--version <version>', 'the immutable version of this build')
    .option('--git-sha <sha>', 'git commit of the build (default: git rev-parse HEAD in DIR, when DIR is in a repository)')
    .requiredOption('--out <dir>', 'directory to write the package files to')
    .option('--json', 'print the manifest and the file paths as JSON')
    .action(async (dir: string, flags: PackageFlags) => {
      const { buildPackage } = await import('../../packaging/build-package.js');
      const built = await buildPackage({
        dir,
        service: flags.service,
        version: flags.version,
        outDir: flags.out,
        now: new Date(),
        ...(flags.gitSha !== undefined ? { gitSha: flags.gitSha.trim() || null } : {}),
      });
      if (!built.ok) throw usageFailure(built.message);
      if (flags.json) {
        writeJson({ ...built.manifest, tarball: built.tarball, sha256_file: built.sha256File, manifest_file: built.manifestFile });
        return;
      }
      writeLine(built.tarball);
      writeLine(`sha256 ${built.sha256}`);
    });
}
