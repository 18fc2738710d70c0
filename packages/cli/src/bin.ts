/**
 * The `ebm` executable: runs the command line and exits with its code. `main` reports every
 * error it sees; the last-resort handlers below catch what escapes it (an error thrown in a
 * callback) before the wasm backend's own handler would rethrow it with a stack trace and exit
 * code 7. A closed stdout (`ebm sample run | head`) ends the command quietly.
 */
import { main } from './program.js';
import { debugRequested, reportFailure } from './report.js';

const argv = process.argv.slice(2);
const lastResort = (error: unknown): void => {
  const { exitCode, text } = reportFailure(error, debugRequested(argv));
  process.stderr.write(text);
  process.exit(exitCode);
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);
process.stdout.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit(process.exitCode ?? 0) : lastResort(error)));

process.exitCode = await main(argv);
