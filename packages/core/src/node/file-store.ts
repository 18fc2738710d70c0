import { CheckpointError } from '../errors.js';
import { assertNode } from '../runtime.js';
import type { CheckpointFiles, CheckpointStore } from '../train/checkpoint/store.js';

/** Name of the pointer file that records the most recent complete checkpoint: `{"step": 123}`. */
export const LATEST_FILE = 'latest.json';

/** Directory of checkpoint `step`: `step-000123` (zero-padded to 6 digits so names sort by step). */
export function stepDirName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

const STEP_DIR = /^step-(\d+)$/;

/**
 * A {@link CheckpointStore} in a directory of the local file system (Node only: in a browser it
 * throws an `EnvironmentError` pointing to `indexedDbCheckpointStore`).
 *
 * Layout: `dir/step-000123/{manifest.json, tensors.bin}` and `dir/latest.json`. A write is
 * atomic: the files go into a hidden temp directory `dir/.tmp-...`, are fsynced, and the directory
 * is renamed to `step-000123` in one step; only then is `latest.json` replaced, again through a
 * temp file and a rename. A crash or a failed write (disk full) leaves at worst a `.tmp-*`
 * directory behind, which `list`, `read` and `latest` ignore; earlier checkpoints are untouched.
 *
 * @example
 * const store = fileCheckpointStore('./runs/gaussian');
 * await fit(model, objective, data, { optimizer, steps: 1000, key, checkpoint: { store, every: 100 } });
 */
export function fileCheckpointStore(dir: string): CheckpointStore {
  assertNode('fileCheckpointStore', "in a browser, use indexedDbCheckpointStore from '@ebm/core/train'");
  const description = `directory ${dir}`;
  const join = (...parts: string[]): string => parts.join('/');
  const fs = () => import('node:fs/promises');
  let tempCounter = 0;
  const tempName = (what: string): string => `.tmp-${what}-${process.pid}-${Date.now()}-${tempCounter++}`;

  /** Writes `bytes` to `path` and flushes it to disk before returning. */
  const writeDurably = async (path: string, bytes: Uint8Array): Promise<void> => {
    const handle = await (await fs()).open(path, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
  /** Flushes a directory entry (the rename) to disk. Windows cannot open directories: there the
   *  rename is still atomic, only its durability across a power cut is up to the OS. */
  const syncDirectory = async (path: string): Promise<void> => {
    let handle;
    try {
      handle = await (await fs()).open(path, 'r');
      await handle.sync();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EISDIR' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    } finally {
      await handle?.close();
    }
  };
  const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException)?.code === 'ENOENT';
  const list = async (): Promise<number[]> => {
    let names: string[];
    try {
      names = await (await fs()).readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    return names
      .map((name) => STEP_DIR.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
  };

  return {
    description,
    list,

    async write(step, files) {
      const { mkdir, rename, rm, stat } = await fs();
      const finalDir = join(dir, stepDirName(step));
      const tempDir = join(dir, tempName(stepDirName(step)));
      try {
        await mkdir(dir, { recursive: true });
        await mkdir(tempDir);
        for (const [name, bytes] of Object.entries(files)) await writeDurably(join(tempDir, name), bytes);
        await syncDirectory(tempDir);
        // Re-saving a step that exists: move the old copy aside first (rename cannot replace a
        // non-empty directory), then drop it once the new one is in place.
        const exists = await stat(finalDir).then(() => true, () => false);
        const asideDir = join(dir, tempName(`old-${stepDirName(step)}`));
        if (exists) await rename(finalDir, asideDir);
        await rename(tempDir, finalDir);
        await syncDirectory(dir);
        if (exists) await rm(asideDir, { recursive: true, force: true });

        const tempLatest = join(dir, tempName(LATEST_FILE));
        await writeDurably(tempLatest, new TextEncoder().encode(JSON.stringify({ step })));
        await rename(tempLatest, join(dir, LATEST_FILE));
        await syncDirectory(dir);
      } catch (error) {
        await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
        throw new CheckpointError(
          `Could not write checkpoint step ${step} to ${description}: ${(error as Error).message}. ` +
            'Check free disk space and permissions; the previous checkpoints are untouched.',
        );
      }
    },

    async read(step) {
      const { readdir, readFile } = await fs();
      const stepDir = join(dir, stepDirName(step));
      let names: string[];
      try {
        names = await readdir(stepDir);
      } catch (error) {
        if (!isMissing(error)) throw error;
        throw new CheckpointError(
          `Checkpoint step ${step} is missing: no directory ${stepDir}. ` +
            `Saved steps in ${description}: [${(await list()).join(', ')}].`,
        );
      }
      const files: Record<string, Uint8Array> = {};
      for (const name of names) {
        const buffer = await readFile(join(stepDir, name));
        files[name] = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      }
      return files as CheckpointFiles;
    },

    async remove(step) {
      await (await fs()).rm(join(dir, stepDirName(step)), { recursive: true, force: true });
    },

    async latest() {
      const path = join(dir, LATEST_FILE);
      let text: string;
      try {
        text = await (await fs()).readFile(path, 'utf8');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      let step: unknown;
      try {
        step = (JSON.parse(text) as { step?: unknown }).step;
      } catch {
        step = undefined;
      }
      if (!Number.isInteger(step) || (step as number) < 0) {
        throw new CheckpointError(
          `${path} is corrupt (expected {"step": <integer>}, got ${JSON.stringify(text.slice(0, 80))}). ` +
            'Delete it and load a step explicitly, or start a fresh run.',
        );
      }
      return step as number;
    },
  };
}
