// What every bench script that also runs alone needs: its command-line flags and the machine's load.
import os from 'node:os';

/** The value after `--name` on the command line, or `fallback` when the flag is absent. */
export const argument = (name, fallback) =>
  process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback;

/** True when the module at `moduleUrl` (its `import.meta.url`) is the script node was started with. */
export const isMain = (moduleUrl) => moduleUrl === `file://${process.argv[1]}`;

/** The 1, 5 and 15-minute load averages, two decimals each, for the lines that go with a timing. */
export const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
