/**
 * Training progress: a cli-progress bar on a terminal (step, loss, metric, steps/s, ETA), plain
 * log lines when stdout is not a TTY (CI logs, pipes).
 */
import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  readonly step: number;
  readonly loss: number;
  /** The latest test NLL, if evaluated. */
  readonly nll?: number;
}

export interface Progress {
  update(u: ProgressUpdate): void;
  stop(): void;
}

/** Steps the ETA averages over: long enough to smooth out the pauses of test-NLL evaluations. */
const ETA_BUFFER = 500;
/** Plain lines: about this many per run (plus every evaluation). */
const PLAIN_LINES_PER_RUN = 20;

function fmt(x: number | undefined, digits = 4): string {
  return x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

/**
 * A progress reporter for `total` steps starting after `start` (a resumed run starts mid-way).
 * `tty` defaults to whether stdout is a terminal; plain lines go to `out` (the command's `Io`).
 */
export function createProgress(
  start: number,
  total: number,
  tty = Boolean(process.stdout.isTTY),
  out: (text: string) => void = (text) => process.stdout.write(text),
): Progress {
  const t0 = performance.now();
  const rate = (step: number): number => (step - start) / Math.max((performance.now() - t0) / 1000, 1e-9);
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: ' {bar} {value}/{total} | loss {loss} | nll {nll} | {rate} steps/s | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: ETA_BUFFER,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, start, { loss: '-', nll: '-', rate: '-' });
    return {
      update: (u) => bar.update(u.step, { loss: fmt(u.loss), nll: fmt(u.nll), rate: rate(u.step).toFixed(1) }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.round((total - start) / PLAIN_LINES_PER_RUN));
  let lastNll: number | undefined;
  return {
    update: (u) => {
      const newNll = u.nll !== undefined && u.nll !== lastNll;
      lastNll = u.nll;
      if ((u.step - start) % every !== 0 && u.step !== total && !newNll) return;
      const r = rate(u.step);
      const eta = r > 0 ? (total - u.step) / r : Number.NaN;
      out(
        `step ${u.step}/${total}  loss ${fmt(u.loss)}  nll ${fmt(u.nll)}  ${r.toFixed(1)} steps/s  eta ${Number.isFinite(eta) ? `${eta.toFixed(0)}s` : '-'}\n`,
      );
    },
    stop: () => undefined,
  };
}
