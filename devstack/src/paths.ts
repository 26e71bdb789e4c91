import fs from 'node:fs';
import path from 'node:path';

/** The monorepo root: the nearest folder above this package whose package.json declares workspaces. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && 'workspaces' in JSON.parse(fs.readFileSync(manifest, 'utf8'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no workspace root above ${__dirname}`);
    dir = parent;
  }
}

/** Git-ignored folder for built tools and embedded data. */
export function cacheDir(...parts: string[]): string {
  const dir = path.join(repoRoot(), '.cache', ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
