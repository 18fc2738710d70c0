/**
 * A run folder: everything one `ebm train` writes.
 *
 * ```
 * <out>/config.json      the validated config (every default filled in)
 * <out>/checkpoint/      model, optimizer and objective state + key (core's checkpoint store)
 * <out>/metrics.jsonl    one JSON line per logged step
 * <out>/summary.json     final numbers (nll, nllFloor, mmd, seconds, steps, ...)
 * <out>/density.png      learned density heatmap with data and model samples (2-D runs)
 * <out>/loss.png         loss (and test NLL) curves
 * <out>/samples.png      a grid of model samples (image runs)
 * <out>/buffer.png       a grid of the replay buffer or persistent chains (image runs)
 * <out>/filters.png      the RBM's filters, one image per hidden unit (image runs with --model rbm)
 * <out>/restoration.png  denoising and inpainting of test images (image runs with conv or mlp)
 * ```
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type TrainConfig, validateConfig } from './config.js';

/** File names inside a run folder, by role (see the module comment for what each holds). */
export const RUN_FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  density: 'density.png',
  loss: 'loss.png',
  samples: 'samples.png',
  buffer: 'buffer.png',
  filters: 'filters.png',
  restoration: 'restoration.png',
} as const;

/** Final numbers of a run, as written to `summary.json`. */
export interface Summary {
  readonly dataset: string;
  readonly objective: string;
  readonly steps: number;
  readonly seconds: number;
  /** Test NLL in nats (exact: log Z by quadrature), absent for data sets without a known density box. */
  readonly nll?: number;
  /** The true entropy of the data distribution, where known (8gaussians 2.833, checkerboard log 32). */
  readonly nllFloor?: number;
  readonly gap?: number;
  /** Bound on the quadrature error of log Z. */
  readonly logZError?: number;
  /** Unbiased MMD^2 between model samples and test data (RBF kernel, median bandwidth). */
  readonly mmd?: number;
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

/**
 * The files of one run under `dir` (resolved to an absolute path): creating it, reading and writing
 * its config, metrics and summary.
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
  /** Whether the folder already holds a run (a `config.json`). */
  holdsRun(): boolean {
    return existsSync(this.path('config'));
  }
  /**
   * Prepares the folder for a new run. Refuses (throws, writing nothing) when it already holds a
   * run, unless `force`, which removes the previous run's files first.
   */
  create(config: TrainConfig | Readonly<Record<string, unknown>>, force: boolean): void {
    if (this.holdsRun()) {
      if (!force) {
        throw new ConfigError(
          `${this.dir} already holds a run (${RUN_FILES.config}). Pass --resume to continue it, --force to overwrite it, or choose another --out.`,
        );
      }
      for (const name of Object.values(RUN_FILES)) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
    mkdirSync(this.dir, { recursive: true });
    this.writeJson('config', config);
  }
  /** The saved config of an existing run; throws when there is none. */
  readConfig(): TrainConfig {
    if (!this.holdsRun()) {
      throw new ConfigError(`${this.dir} holds no run (no ${RUN_FILES.config}). Train one first with \`ebm train --out ${this.dir}\`.`);
    }
    return validateConfig(JSON.parse(readFileSync(this.path('config'), 'utf8')) as Record<string, unknown>);
  }
  /** Writes `value` as pretty-printed JSON to `config.json` or `summary.json`. */
  writeJson(name: 'config' | 'summary', value: unknown): void {
    writeFileSync(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }
  /** The saved `summary.json`, or `undefined` before the run finished. */
  readSummary(): Summary | undefined {
    return existsSync(this.path('summary')) ? (JSON.parse(readFileSync(this.path('summary'), 'utf8')) as Summary) : undefined;
  }
  /** Appends one line to `metrics.jsonl`. */
  appendMetrics(line: MetricsLine): void {
    appendFileSync(this.path('metrics'), `${JSON.stringify(line)}\n`);
  }
  /** Metric lines up to and including `upToStep` (a resumed run drops lines logged after its checkpoint). */
  readMetrics(upToStep = Number.POSITIVE_INFINITY): MetricsLine[] {
    if (!existsSync(this.path('metrics'))) return [];
    return readFileSync(this.path('metrics'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as MetricsLine)
      .filter((m) => m.step <= upToStep);
  }
  /** Rewrites metrics.jsonl keeping lines up to `step` (used on resume). */
  truncateMetrics(step: number): void {
    const kept = this.readMetrics(step);
    writeFileSync(this.path('metrics'), kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
  }
}
