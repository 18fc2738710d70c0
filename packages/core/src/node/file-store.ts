import { CheckpointError } from '../errors.js';
import { assertNode } from '../runtime.js';
import type { CheckpointFiles, CheckpointStore } from '../train/checkpoint/store.js';
import { TEMP_PREFIX, joinPath as join, removeTemporaryFiles, syncDirectory, tempName, writeDurably, writeFileAtomic } from './durable-file.js';

/** Name of the pointer file that records the most recent complete checkpoint: `{"step": 123}`. */
export const LATEST_FILE = 'latest.json';

/** Directory of checkpoint `step`: `step-000123` (zero-padded to 6 digits so names sort by step). */
export function stepDirName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

const STEP_DIR = /^step-(\d+)$/;
/** Prefix of the temporary name a checkpoint is moved to while a new copy of its step replaces it. */
const ASIDE = 'old-';
/** Prefix of the temporary name a checkpoint is moved to before it is deleted. */
const REMOVED = 'removed-';

/** A {@link CheckpointStore} in a folder, with the two repairs only a file system needs. */
export interface FileCheckpointStore extends CheckpointStore {
  /** The folder of the checkpoints. */
  readonly dir: string;
  /**
   * Repairs what an interrupted write or removal left behind: puts back a checkpoint that was
   * moved aside to be replaced when its replacement never landed, then removes every `.tmp-*`
   * entry. Returns what it did, one line per entry, for a message. Call it when no other process
   * writes to the store (before a run resumes).
   */
  cleanUp(): Promise<string[]>;
  /** Points `latest` at checkpoint `step`, which must be in the store (atomic, like every write). */
  setLatest(step: number): Promise<void>;
}

/**
 * A {@link CheckpointStore} in a directory of the local file system (Node only: in a browser it
 * throws an `EnvironmentError` pointing to `indexedDbCheckpointStore`).
 *
 * Layout: `dir/step-000123/{manifest.json, tensors.bin}` and `dir/latest.json`. A write is
 * atomic: the files go into a hidden temp directory `dir/.tmp-...`, are fsynced, and the directory
 * is renamed to `step-000123` in one step; only then is `latest.json` replaced, again through a
 * temp file and a rename. A removal (pruning old checkpoints) first renames the checkpoint to a
 * temp name, so it is never seen half-deleted. A crash or a failed write (disk full) leaves at
 * worst a `.tmp-*` entry behind, which `list`, `read` and `latest` ignore and `cleanUp` removes;
 * earlier checkpoints are untouched.
 *
 * @example
 * const store = fileCheckpointStore('./runs/gaussian');
 * await fit(model, objective, data, { optimizer, steps: 1000, key, checkpoint: { store, every: 100 } });
 */
export function fileCheckpointStore(dir: string): FileCheckpointStore {
  assertNode('fileCheckpointStore', "in a browser, use indexedDbCheckpointStore from '@ebm/core/train'");
  const description = `directory ${dir}`;
  const fs = () => import('node:fs/promises');
  const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException)?.code === 'ENOENT';
  const entries = async (): Promise<string[]> => {
    try {
      return await (await fs()).readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  };
  const list = async (): Promise<number[]> =>
    (await entries())
      .map((name) => STEP_DIR.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);

  return {
    description,
    dir,
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
        // non-empty directory), then drop it once the new one is in place. A crash in between
        // leaves the old copy under its aside name, which cleanUp puts back.
        const exists = await stat(finalDir).then(() => true, () => false);
        const asideDir = join(dir, tempName(`${ASIDE}${stepDirName(step)}`));
        if (exists) await rename(finalDir, asideDir);
        await rename(tempDir, finalDir);
        await syncDirectory(dir);
        if (exists) await rm(asideDir, { recursive: true, force: true });
        await writeFileAtomic(join(dir, LATEST_FILE), JSON.stringify({ step }));
      } catch (error) {
        await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
        throw new CheckpointError(
          `Could not write checkpoint step ${step} to ${description}: ${(error as Error).message}. ` +
            'Check free disk space and permissions; the previous checkpoints are untouched.',
          { cause: error },
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
      const { rename, rm } = await fs();
      const removed = join(dir, tempName(`${REMOVED}${stepDirName(step)}`));
      try {
        await rename(join(dir, stepDirName(step)), removed);
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      await rm(removed, { recursive: true, force: true });
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

    async cleanUp() {
      const { rename } = await fs();
      const names = await entries();
      const done: string[] = [];
      for (const name of names) {
        const stepName = name.startsWith(`${TEMP_PREFIX}${ASIDE}`) ? /^step-\d+/.exec(name.slice(TEMP_PREFIX.length + ASIDE.length))?.[0] : undefined;
        if (stepName === undefined || names.includes(stepName)) continue;
        await rename(join(dir, name), join(dir, stepName));
        names.push(stepName);
        done.push(`restored ${stepName} from ${name} (its replacement was interrupted)`);
      }
      for (const name of await removeTemporaryFiles(dir)) done.push(`removed ${name} (left by an interrupted write)`);
      return done;
    },

    async setLatest(step) {
      if (!(await list()).includes(step)) {
        throw new CheckpointError(`Cannot point latest at checkpoint step ${step}: it is not in ${description} (saved steps: [${(await list()).join(', ')}]).`);
      }
      await writeFileAtomic(join(dir, LATEST_FILE), JSON.stringify({ step }));
    },
  };
}
