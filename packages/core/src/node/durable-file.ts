/**
 * Files that survive a crash, a kill -9 or a full disk: a write goes to a temporary file next to
 * its target, is flushed to disk (fsync), and only then renamed over the target, so a reader sees
 * the old file or the new one, never a mix; an interrupted write leaves at worst a `.tmp-*` file,
 * which {@link removeTemporaryFiles} cleans up. `node:fs` is imported lazily, so importing this
 * module does not break browser bundles.
 */
import type { FileHandle } from 'node:fs/promises';

/** Every temporary file or folder of an atomic write starts with this prefix. */
export const TEMP_PREFIX = '.tmp-';

const fs = () => import('node:fs/promises');
let tempCounter = 0;

/** A fresh temporary name for `what` (`.tmp-config.json-<pid>-<ms>-<n>`), unique within and across processes. */
export function tempName(what: string): string {
  return `${TEMP_PREFIX}${what}-${process.pid}-${Date.now()}-${tempCounter++}`;
}

/** Joins path parts with `/`, which Node accepts on every platform. */
export function joinPath(...parts: string[]): string {
  return parts.join('/');
}

function splitPath(path: string): { readonly dir: string; readonly name: string } {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash < 0 ? { dir: '.', name: path } : { dir: slash === 0 ? '/' : path.slice(0, slash), name: path.slice(slash + 1) };
}

/** Writes `data` to a new file at `path` and flushes it to disk before returning. */
export async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  const handle: FileHandle = await (await fs()).open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a directory's entries (a rename into it) to disk. Windows cannot open directories:
 * there the rename is still atomic, only its durability across a power cut is up to the OS.
 */
export async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await (await fs()).open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces the file at `path` with `data` atomically: writes a temporary file in the same
 * folder, fsyncs it, renames it over `path` and fsyncs the folder. After a crash at any moment
 * `path` holds either its old content or `data`; after a failure (ENOSPC, EACCES, EROFS) the
 * temporary file is removed and the error is rethrown unchanged, with `path` untouched.
 *
 * @example
 * await writeFileAtomic('runs/a/config.json', `${JSON.stringify(config, null, 2)}\n`);
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const { rename, rm } = await fs();
  const { dir, name } = splitPath(path);
  const temp = joinPath(dir, tempName(name));
  try {
    await writeDurably(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Removes the leftovers of interrupted atomic writes in `dir` (entries named `.tmp-*`, files or
 * folders) and returns their names; a missing `dir` has none. Call it when no write into `dir`
 * is under way (before a run continues in a folder).
 *
 * @example
 * const removed = await removeTemporaryFiles('runs/a');
 */
export async function removeTemporaryFiles(dir: string): Promise<string[]> {
  const { readdir, rm } = await fs();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const leftovers = names.filter((name) => name.startsWith(TEMP_PREFIX)).sort();
  for (const name of leftovers) await rm(joinPath(dir, name), { recursive: true, force: true });
  return leftovers;
}
