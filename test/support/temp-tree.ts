import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Folders made by writeTree that removeTrees has not removed yet. */
const created = new Set<string>();

/**
 * Writes `files` (paths relative to the new folder, with forward slashes; a string is written as UTF-8)
 * into a fresh temporary folder, creating subfolders as needed, and returns the folder's absolute path.
 */
export function writeTree(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'citewise-'));
  created.add(root);
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, ...relative.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return root;
}

/** Removes one folder made by writeTree. */
export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
  created.delete(root);
}

/** Removes every folder writeTree made that is still there; call it from an `after` or `afterEach` hook. */
export function removeTrees(): void {
  for (const root of [...created]) removeTree(root);
}
