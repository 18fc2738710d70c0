/**
 * A run folder: everything one `ebm train` writes.
 *
 * ```
 * <out>/config.json      the validated config (every default filled in)
 * <out>/checkpoint/      model, optimizer and objective state + key (core's checkpoint store)
 * <out>/metrics.jsonl    one JSON line per logged step
 * <out>/summary.json     final numbers (nll, nllFloor, mmd, seconds, steps, status, ...)
 * <out>/density.png      learned density heatmap with data and model samples (2-D runs)
 * <out>/flow.png         fce runs: the flow's density with data and flow samples
 * <out>/loss.png         loss (and test NLL) curves
 * <out>/samples.png      a grid of model samples (image runs: replay-buffer chains continued, when the run has a buffer; classifier runs: one row per class)
 * <out>/fresh-samples.png  image runs with a replay buffer: a grid of fresh samples from noise
 * <out>/buffer.png       a grid of the replay buffer or persistent chains (image runs)
 * <out>/filters.png      the RBM's filters, one image per hidden unit (image runs with --model rbm)
 * <out>/restoration.png  denoising and inpainting of test images (image runs with conv or mlp)
 * <out>/conditional.png  conditional runs on a toy: p(y | x) beside the truth (instead of density.png)
 * <out>/reliability.png  classifier runs (jem, classifier): the reliability diagram
 * ```
 *
 * Every file but `metrics.jsonl` is replaced atomically (temporary file, fsync, rename: core's
 * `writeFileAtomic`), so a crash or a full disk leaves the old file or the new one. `metrics.jsonl`
 * grows by appending one line per step; a crash can leave its last line torn, which the reader
 * ignores and a resumed run removes (it rewrites the file, atomically, up to its checkpoint).
 * Numbers that JSON cannot hold (NaN, Infinity) are written as the strings `"NaN"`,
 * `"Infinity"`, `"-Infinity"` and read back as numbers.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TEMP_PREFIX, removeTemporaryFiles, writeFileAtomic } from '@ebm/core/node';
import { ConfigError, type TrainConfig, validateConfig } from './config.js';
import { CommandError } from './failures.js';
import { createFolder, explainFileError, explainFileErrors } from './fs-errors.js';

/** File names inside a run folder, by role (see the module comment for what each holds). */
export const RUN_FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  density: 'density.png',
  flow: 'flow.png',
  loss: 'loss.png',
  samples: 'samples.png',
  freshSamples: 'fresh-samples.png',
  buffer: 'buffer.png',
  filters: 'filters.png',
  restoration: 'restoration.png',
  conditional: 'conditional.png',
  reliability: 'reliability.png',
} as const;

/** The pictures of a run folder (the `.png` files of {@link RUN_FILES}). */
export type RunPicture = 'density' | 'flow' | 'loss' | 'samples' | 'freshSamples' | 'buffer' | 'filters' | 'restoration' | 'conditional' | 'reliability';

/** Final numbers of a run, as written to `summary.json`. */
export interface Summary {
  readonly dataset: string;
  readonly objective: string;
  readonly steps: number;
  readonly seconds: number;
  /** `completed`, or `diverged` when the loss or the evaluation is not finite or absurd (see `problems`). */
  readonly status: 'completed' | 'diverged';
  /** What went wrong, one sentence each, when `status` is `diverged`. */
  readonly problems?: readonly string[];
  /** What makes a number less trustworthy without the run having diverged (an infinite `logZError`). */
  readonly warnings?: readonly string[];
  /** Test NLL in nats (exact: log Z by quadrature), absent for data sets without a known density box. */
  readonly nll?: number;
  /** The true entropy of the data distribution, where known (8gaussians 2.833, checkerboard log 32). */
  readonly nllFloor?: number;
  readonly gap?: number;
  /** Bound on the quadrature error of log Z. */
  readonly logZError?: number;
  /** Unbiased MMD^2 between model samples and test data (RBF kernel, median bandwidth). */
  readonly mmd?: number;
  /** fce runs: the exact test NLL of the flow trained with the model, `-mean log q(x)`. */
  readonly flowNll?: number;
  /** fce runs: `flowNll - nllFloor`. */
  readonly flowGap?: number;
  readonly loss: number;
  readonly backend: string;
}

/** One line of `metrics.jsonl`. */
export interface MetricsLine {
  readonly step: number;
  readonly loss: number;
  readonly seconds: number;
  readonly nll?: number;
  readonly [metric: string]: number | undefined;
}

/** What `metrics.jsonl` holds: its complete lines, and whether a torn last line (an interrupted append) was left out. */
export interface MetricsRead {
  readonly lines: MetricsLine[];
  readonly torn: boolean;
}

/** What a folder holds: nothing of a run, a run (its `config.json`), or the remains of one (run files without a config). */
export type FolderContents = 'empty' | 'run' | 'remains';

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);
/** JSON.stringify replacer: NaN and +-Infinity as strings instead of `null`. */
const keepNonFinite = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);
/** JSON.parse reviver, the inverse of {@link keepNonFinite}. */
const readNonFinite = (_key: string, value: unknown): unknown => (typeof value === 'string' && NON_FINITE.has(value) ? Number(value) : value);

/** `value` as run-file JSON: one line (metrics) or pretty-printed with a final newline. */
export function toRunJson(value: unknown, pretty: boolean): string {
  return pretty ? `${JSON.stringify(value, keepNonFinite, 2)}\n` : JSON.stringify(value, keepNonFinite);
}

/** Parses run-file JSON written by {@link toRunJson}. */
export function fromRunJson(text: string): unknown {
  return JSON.parse(text, readNonFinite);
}

/**
 * The files of one run under `dir` (resolved to an absolute path): creating it, reading and writing
 * its config, metrics, summary and pictures, and cleaning up what interrupted writes left behind.
 * Reads throw a `ConfigError` / `CommandError` naming the file and the fix when a file is missing
 * or damaged; writes name the file on a file-system error (disk full, read-only).
 *
 * @example
 * const folder = new RunFolder('runs/8g');
 * const config = folder.readConfig();
 */
export class RunFolder {
  /** Absolute path of the run folder. */
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }
  /** Absolute path of one of the {@link RUN_FILES}. */
  path(name: keyof typeof RUN_FILES): string {
    return join(this.dir, RUN_FILES[name]);
  }
  /** Whether the folder holds a run (a `config.json`). */
  holdsRun(): boolean {
    return existsSync(this.path('config'));
  }
  /** What the folder holds: see {@link FolderContents}. */
  contents(): FolderContents {
    if (this.holdsRun()) return 'run';
    return Object.keys(RUN_FILES).some((name) => existsSync(this.path(name as keyof typeof RUN_FILES))) ? 'remains' : 'empty';
  }
  /**
   * Refuses (throws, writing nothing) when the folder holds a run or the remains of one, unless
   * `force`. Call it before the slow set-up, then {@link create}.
   */
  assertFree(force: boolean): void {
    const contents = this.contents();
    if (contents === 'empty' || force) return;
    const what = contents === 'run' ? `a run (${RUN_FILES.config})` : `the remains of a run (run files without ${RUN_FILES.config})`;
    const resume = contents === 'run' ? 'Pass --resume to continue it, ' : 'Pass ';
    throw new ConfigError(`${this.dir} already holds ${what}. ${resume}--force to overwrite it, or choose another --out.`);
  }
  /**
   * Prepares the folder for a new run and writes `config`: refuses like {@link assertFree} unless
   * `force`, which removes the previous run's files first (`config.json` first, so that an
   * interrupted removal leaves "remains", which a later run also refuses without `--force`).
   */
  async create(config: object, force: boolean): Promise<void> {
    this.assertFree(force);
    createFolder(this.dir, '--out');
    const names = Object.keys(RUN_FILES) as (keyof typeof RUN_FILES)[];
    for (const name of names) {
      const path = this.path(name);
      await explainFileErrors('remove', path, () => rmSync(path, { recursive: true, force: true }));
    }
    await this.cleanUp();
    await this.writeConfig(config);
  }
  /** Removes the `.tmp-*` leftovers of interrupted writes; returns their names. */
  async cleanUp(): Promise<string[]> {
    return explainFileErrors('clean up', join(this.dir, `${TEMP_PREFIX}*`), () => removeTemporaryFiles(this.dir));
  }
  /**
   * The saved config of an existing run, checked by `validate` (default: the 2-D train schema's
   * `validateConfig`; image runs pass their own); throws when there is none or it is damaged,
   * naming the fix.
   */
  readConfig(): TrainConfig;
  readConfig<C>(validate: (input: Record<string, unknown>) => C): C;
  readConfig(validate: (input: Record<string, unknown>) => unknown = validateConfig): unknown {
    const path = this.path('config');
    if (!this.holdsRun()) {
      const remains = this.contents() === 'remains' ? ` It holds the remains of a run without ${RUN_FILES.config}: restore that file, or start over with --force.` : '';
      throw new ConfigError(`${this.dir} holds no run (no ${RUN_FILES.config}). Train one first with \`ebm train --out ${this.dir}\`.${remains}`);
    }
    const fix = `Restore it (it holds the flags the run was trained with), or start a new run in this folder with --force.`;
    let value: unknown;
    try {
      value = fromRunJson(this.readText(path));
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError(`${path} is damaged: ${(error as Error).message}. ${fix}`, undefined, { cause: error });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new CommandError(`${path} is damaged: it holds ${JSON.stringify(value)}, not a config object. ${fix}`);
    }
    try {
      return validate(value as Record<string, unknown>);
    } catch (error) {
      throw new ConfigError(`${path} is not a valid config (edited by hand, or written by another version of ebm): ${(error as Error).message}`);
    }
  }
  /** Writes `config.json` atomically (a 2-D run's `TrainConfig` or an image run's config). */
  async writeConfig(config: object): Promise<void> {
    await this.writeAtomic('config', toRunJson(config, true));
  }
  /** Writes `summary.json` atomically (a 2-D run's {@link Summary} or an image run's summary). */
  async writeSummary(summary: object): Promise<void> {
    await this.writeAtomic('summary', toRunJson(summary, true));
  }
  /** Writes a picture atomically. */
  async writePicture(name: RunPicture, png: Uint8Array): Promise<void> {
    await this.writeAtomic(name, png);
  }
  /** The saved `summary.json`, or `undefined` before the run finished; a damaged one throws, naming `ebm eval` as the fix. */
  readSummary(): Summary | undefined {
    const path = this.path('summary');
    if (!existsSync(path)) return undefined;
    try {
      const summary = fromRunJson(this.readText(path)) as Summary;
      if (summary === null || typeof summary !== 'object' || typeof summary.steps !== 'number') throw new Error('it holds no summary');
      return summary;
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError(`${path} is damaged (${(error as Error).message}). Rewrite it with \`ebm eval ${this.dir}\`.`, undefined, { cause: error });
    }
  }
  /**
   * Appends one line to `metrics.jsonl`; with `durable`, flushes the file to disk (done at
   * checkpoint steps, so that the lines up to a checkpoint survive a power cut with it).
   */
  async appendMetrics(line: MetricsLine, durable = false): Promise<void> {
    const path = this.path('metrics');
    await explainFileErrors('append to', path, async () => {
      await appendFile(path, `${toRunJson(line, false)}\n`);
      if (durable) {
        const handle = await open(path, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    });
  }
  /**
   * The lines of `metrics.jsonl` (none when it does not exist). A torn last line (no final
   * newline: an append cut short by a crash or a full disk) is left out and reported in `torn`;
   * a damaged line anywhere else, or steps out of order, throw a `CommandError` naming the line.
   */
  readMetrics(): MetricsRead {
    const path = this.path('metrics');
    if (!existsSync(path)) return { lines: [], torn: false };
    const segments = this.readText(path).split('\n');
    const tail = segments.pop()!;
    const lines = segments.map((text, i) => {
      let line: unknown;
      try {
        line = fromRunJson(text);
      } catch {
        line = undefined;
      }
      const step = (line as MetricsLine | undefined)?.step;
      if (line === null || typeof line !== 'object' || !Number.isInteger(step) || step! < 1) {
        throw new CommandError(
          `${path} is damaged at line ${i + 1} (${JSON.stringify(text.slice(0, 60))} is not a metrics record). ` +
            `Delete that line (or the file, losing the curves of the steps so far); the checkpoints are intact.`,
        );
      }
      return line as MetricsLine;
    });
    lines.forEach((line, i) => {
      if (i > 0 && line.step <= lines[i - 1]!.step) {
        throw new CommandError(
          `${path} is out of order at line ${i + 1} (step ${line.step} after step ${lines[i - 1]!.step}). ` +
            `Delete the lines from ${i + 1} on (or the file, losing the curves); the checkpoints are intact.`,
        );
      }
    });
    return { lines, torn: tail !== '' };
  }
  /** Replaces `metrics.jsonl` with `lines`, atomically (a resumed run keeps the lines up to its checkpoint). */
  async rewriteMetrics(lines: readonly MetricsLine[]): Promise<void> {
    await this.writeAtomic('metrics', lines.map((line) => `${toRunJson(line, false)}\n`).join(''));
  }

  private readText(path: string): string {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw explainFileError(error, 'read', path);
    }
  }
  private async writeAtomic(name: keyof typeof RUN_FILES, data: string | Uint8Array): Promise<void> {
    const path = this.path(name);
    await explainFileErrors('write', path, () => writeFileAtomic(path, data));
  }
}
