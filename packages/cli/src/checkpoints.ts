/**
 * Which checkpoint of a run folder a command continues from (`ebm train --resume`) or reads
 * (`ebm eval`, `sample`, `plot`): the latest one, checked by loading it; when `latest.json` is
 * missing or damaged, the newest checkpoint that loads, said in a note (a resume then repairs
 * `latest.json`).
 */
import { CheckpointError, type EnergyModel, disposeState } from '@ebm/core';
import { type FileCheckpointStore, fileCheckpointStore, stepDirName } from '@ebm/core/node';
import { loadCheckpoint } from '@ebm/core/train';
import { CommandError } from './failures.js';
import { explainFileErrors } from './fs-errors.js';
import type { RunFolder } from './run-folder.js';

/** The checkpoint store of a run folder (`<out>/checkpoint`). */
export function runCheckpoints(folder: RunFolder): FileCheckpointStore {
  return fileCheckpointStore(folder.path('checkpoint'));
}

/** The checkpoint {@link findCheckpoint} chose. */
export interface FoundCheckpoint {
  /** Its step; `undefined` when the store holds no checkpoint. */
  readonly step: number | undefined;
  /** Whether `latest.json` is missing, damaged or names an unsaved step (and should be pointed at `step`). */
  readonly latestIsWrong: boolean;
}

/**
 * The checkpoint to use, loaded into `model` (the caller reloads it with its optimizer and
 * objective when it trains on): the store's latest when `latest.json` names a saved checkpoint;
 * otherwise the newest saved checkpoint that loads, with notes saying so. Writes nothing. Throws
 * a `CommandError` naming the fix when the latest checkpoint does not load (its earlier ones are
 * listed) or when no checkpoint loads.
 *
 * @example
 * const { step } = await findCheckpoint(runCheckpoints(folder), session.model, (line) => io.err(`note: ${line}\n`));
 */
export async function findCheckpoint(store: FileCheckpointStore, model: EnergyModel, note: (line: string) => void): Promise<FoundCheckpoint> {
  const saved = await explainFileErrors('read the folder', store.dir, () => store.list());
  let latest: number | undefined;
  try {
    latest = await explainFileErrors('read', `${store.dir}/latest.json`, () => store.latest());
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    note(`${store.dir}/latest.json is damaged; looking for the newest checkpoint that loads.`);
  }
  if (latest !== undefined && saved.includes(latest)) {
    try {
      await loadInto(store, model, latest);
      return { step: latest, latestIsWrong: false };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      const earlier = saved.filter((s) => s < latest!);
      const instead =
        earlier.length === 0
          ? 'There is no earlier checkpoint: start over with `ebm train --force`.'
          : `Move ${store.dir}/${stepDirName(latest)} away to use step ${earlier.at(-1)} (saved steps: ${earlier.join(', ')}).`;
      throw new CommandError(`The latest checkpoint (step ${latest}) does not load: ${error.message} ${instead}`, undefined, { cause: error });
    }
  }
  if (saved.length === 0) return { step: undefined, latestIsWrong: false };
  if (latest !== undefined) note(`${store.dir}/latest.json names step ${latest}, which is not saved; looking for the newest checkpoint that loads.`);
  else note(`${store.dir}/latest.json is missing; looking for the newest checkpoint that loads.`);
  for (const step of [...saved].reverse()) {
    try {
      await loadInto(store, model, step);
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      note(`skipped ${stepDirName(step)}: ${error.message}`);
      continue;
    }
    note(`using ${stepDirName(step)}, the newest checkpoint that loads.`);
    return { step, latestIsWrong: true };
  }
  throw new CommandError(`No checkpoint in ${store.dir} loads (saved steps: ${saved.join(', ')}; see the notes above). Start over with \`ebm train --force\`.`);
}

/** Loads checkpoint `step` into `model` (throws the store's `CheckpointError` when it does not load). */
async function loadInto(store: FileCheckpointStore, model: EnergyModel, step: number): Promise<void> {
  const loaded = await loadCheckpoint(store, { model, step });
  disposeState(loaded.objectiveState);
}
