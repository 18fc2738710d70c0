/**
 * The `ebm` command: `train`, `sample`, `eval`, `plot` and `list`, parsed by commander.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CONFIG_KEYS, ConfigError, RECIPE_KEY_READERS, type TrainConfig, flagOf, parseFlagValue, trainConfigSchema } from './config.js';
import { evalCommand, listCommand, plotCommand, sampleCommand } from './commands.js';
import { EXIT_CODES } from './failures.js';
import { explainFileError } from './fs-errors.js';
import { imageEvalCommand, imagePlotCommand, imageSampleCommand, isImageRun } from './image-commands.js';
import { imageFlagsToConfig, imageOnlyFlags, isImageConfig } from './image-config.js';
import { imageTrainCommand } from './image-train.js';
import { type Interrupts, ignoreInterrupts, listenForInterrupts } from './interrupt.js';
import { type Io, defaultIo } from './io.js';
import { DEBUG_ENV, debugRequested, reportFailure } from './report.js';
import { RunFolder } from './run-folder.js';
import { trainCommand } from './train.js';

/** A config key's flag help: its `.describe()` text, and for a recipe key the recipes that read it. */
function helpOf(key: keyof TrainConfig): string {
  const readers = RECIPE_KEY_READERS[key];
  const description = trainConfigSchema.shape[key].description ?? '';
  return readers === undefined ? description : `${description} (${readers.recipes.join('/')})`;
}

/** One-line help for every config key, derived from the schema (base keys and recipe keys). */
export const FLAG_HELP = Object.fromEntries(CONFIG_KEYS.map((key) => [key, helpOf(key)])) as Readonly<Record<keyof TrainConfig, string>>;

function choicesOf(key: keyof TrainConfig): readonly string[] | undefined {
  const inner = trainConfigSchema.shape[key].unwrap() as { options?: readonly string[] };
  return inner.options;
}

function defaultOf(key: keyof TrainConfig): unknown {
  return trainConfigSchema.shape[key].parse(undefined);
}

/** The help heading of a recipe key's flag (`Objective options:`); base keys are under `Options:`. */
function helpGroupOf(key: keyof TrainConfig): string | undefined {
  const choice = RECIPE_KEY_READERS[key]?.choice;
  return choice === undefined ? undefined : `${choice[0]!.toUpperCase()}${choice.slice(1)} options:`;
}

/** Reads a `--config` JSON file; a missing file or bad JSON names the file. */
function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const explained = explainFileError(error, 'read', path);
    const why = explained instanceof Error && explained !== error ? explained.message : `cannot read ${path}`;
    throw new ConfigError(`--config: ${why} Pass the path of a JSON file of config keys, e.g. {"objective": "pcd"}.`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`--config: ${path} is not a JSON object of config keys (${(error as Error).message}).`);
  }
}

/** The config keys given as flags, turned into JSON values. */
function flagsToConfig(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const raw = opts[key];
    if (typeof raw === 'string') out[key] = parseFlagValue(key, raw);
  }
  return out;
}

/**
 * Builds the commander program; `io` receives all output, `interrupts` tells the commands about
 * Ctrl-C (`main` listens for it; by default the commands are never interrupted).
 */
export function buildProgram(io: Io, interrupts: Interrupts = ignoreInterrupts()): Command {
  const program = new Command('ebm')
    .description('Train, sample, evaluate and plot energy-based models on 2-D toy data and images (TensorFlow.js).')
    .option('--debug', `on an error, print its stack trace (also: ${DEBUG_ENV}=1)`)
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const train = program
    .command('train')
    .description(
      'Train an energy model; with no options, the default recipe (NCE on 8gaussians, about two minutes). ' +
        'With --dataset digits|mnist|fashion-mnist, an image run (conv, mlp or rbm model, image defaults: see the README).',
    )
    .option('--config <file>', 'JSON file of config keys (flags override it)')
    .option('--out <dir>', 'run folder', 'runs/default')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--force', 'overwrite the run in --out')
    .option('--quiet', 'no progress output, only the summary');
  for (const key of CONFIG_KEYS) {
    const choices = choicesOf(key);
    const value = key === 'hidden' ? '<list>' : choices ? '<name>' : '<value>';
    const help = `${FLAG_HELP[key]}${choices ? ` (${choices.join(', ')})` : ''} [default: ${JSON.stringify(defaultOf(key))}]`;
    // Choices are validated by the zod schema (with the config-file values), not by commander.
    const option = new Option(`${flagOf(key)} ${value}`, help);
    const group = helpGroupOf(key);
    train.addOption(group === undefined ? option : option.helpGroup(group));
  }
  for (const { flag, help } of imageOnlyFlags(CONFIG_KEYS)) train.addOption(new Option(flag, help).helpGroup('Image options:'));
  train.action(async (opts: Record<string, unknown>) => {
    const fileConfig = typeof opts.config === 'string' ? readConfigFile(opts.config) : {};
    const input = { ...fileConfig, ...flagsToConfig(opts), ...imageFlagsToConfig(opts, CONFIG_KEYS) };
    const flags = { out: String(opts.out), resume: opts.resume === true, force: opts.force === true, quiet: opts.quiet === true };
    // A resumed run keeps its kind: the saved config decides, whatever flags are repeated.
    const savedRun = flags.resume && new RunFolder(flags.out).holdsRun();
    const image = savedRun ? isImageRun(flags.out) : isImageConfig(input);
    await (image ? imageTrainCommand : trainCommand)(input, flags, io, interrupts);
  });

  program
    .command('sample')
    .description('Draw samples from a trained run with its MCMC sampler; prints CSV (x1,x2) or writes --file (an image run writes a PNG grid, default <run>/sample.png).')
    .argument('<run>', 'run folder')
    .option('-n, --num <n>', 'number of samples (default 1000; 64 for an image run)')
    .option('--steps <n>', 'MCMC steps (default: the run config sampleSteps; an image run from its buffer: mcmcSteps)')
    .option('--from <start>', 'image runs: continue replay-buffer rows (buffer, the default when the run has one, like samples.png) or run fresh chains (noise, like fresh-samples.png)')
    .option('--seed <n>', 'random seed', '1')
    .option('--file <path>', 'write the samples here (CSV; a PNG grid for an image run) instead of stdout')
    .action(async (run: string, opts: Record<string, string | undefined>) => {
      const image = isImageRun(run);
      if (!image && opts.from !== undefined) throw new ConfigError(`--from is for image runs; ${run} is not one (its chains start where its config's sampler starts them).`);
      await (image ? imageSampleCommand : sampleCommand)(run, opts, io, interrupts);
    });

  program
    .command('eval')
    .description('Evaluate a trained run from its checkpoint (2-D: test NLL, gap, MMD; conditional: conditional NLL or accuracy, ECE, AUROC; images: Fréchet distances, PSNR) and update its summary.json.')
    .argument('<run>', 'run folder')
    .action(async (run: string) => (isImageRun(run) ? imageEvalCommand : evalCommand)(run, io, interrupts));

  program
    .command('plot')
    .description('Redraw the pictures of a trained run (density, conditional, samples, buffer, restoration and loss pictures, as the run has them).')
    .argument('<run>', 'run folder')
    .action(async (run: string) => (isImageRun(run) ? imagePlotCommand : plotCommand)(run, io, interrupts));

  program
    .command('list')
    .description('List the data sets, objectives and samplers available here (installed plugins).')
    .action(async () => listCommand(io));

  return program;
}

/**
 * Runs the `ebm` command on `argv` (without `node` and the script) and returns the exit code (see
 * `EXIT_CODES`): 0 on success, 1 on an expected error (usage, config, file system, damaged run
 * files), 2 on an internal error, 3 when training diverged, 130 after Ctrl-C. Never throws: every
 * error becomes one line on `io.err`, with its stack trace only under `--debug` or `EBM_DEBUG=1`.
 * Ctrl-C is handled from the start to the end of the call.
 */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const interrupts = listenForInterrupts(io);
  try {
    const program = buildProgram(io, interrupts);
    try {
      await program.parseAsync([...argv], { from: 'user' });
      return EXIT_CODES.ok;
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT_CODES.ok;
      if (error.code === 'commander.unknownOption') {
        const command = program.commands.find((c) => c.name() === argv[0]);
        const flags = (command ?? program).options.map((o) => o.long).filter(Boolean);
        io.err(`Accepted options: ${flags.join(', ')}\n`);
      }
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.error;
    }
  } catch (error) {
    const { exitCode, text } = reportFailure(error, debugRequested(argv));
    io.err(text);
    return exitCode;
  } finally {
    interrupts.dispose();
  }
}
