/**
 * Ferry's own version: the package version plus the git sha of the build, so the
 * control plane never answers `current` or an empty version about itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  git_sha: string | null;
  build_time: string | null;
}

let cached: BuildInfo | undefined;

export function ferryBuildInfo(): BuildInfo {
  cached ??= readBuildInfo();
  return cached;
}

function readBuildInfo(): BuildInfo {
  const packageFile = fileURLToPath(new URL('../../../../package.json', import.meta.url));
  const pkg = JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string };
  const gitSha = process.env.FERRY_GIT_SHA ?? readGitSha(packageFile);
  const version = gitSha === null ? pkg.version : `${pkg.version}+${gitSha.slice(0, 12)}`;
  return { version, git_sha: gitSha, build_time: buildTime() };
}

function readGitSha(packageFile: string): string | null {
  try {
    const dir = packageFile.replace(/package\.json$/, '');
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** The time the running code was built: the mtime of this compiled file. */
function buildTime(): string | null {
  try {
    return statSync(fileURLToPath(import.meta.url)).mtime.toISOString();
  } catch {
    return null;
  }
}
