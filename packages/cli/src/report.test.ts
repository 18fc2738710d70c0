import { CheckpointError, InvalidArgumentError } from '@ebm/core';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { CommandError, DivergedError, InterruptedError } from './failures.js';
import { createFolder, explainFileError, fileSystemErrorMessage } from './fs-errors.js';
import { debugRequested, reportFailure } from './report.js';

/** A Node file-system error as Node makes it. */
const fsError = (code: string, syscall: string, path: string): NodeJS.ErrnoException & { code: string } =>
  Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });

describe('reportFailure', () => {
  it('expected failures: one `error:` line and their exit code; no stack trace', () => {
    const cases = [
      [new ConfigError('Invalid value'), 1, 'error: Invalid value\n'],
      [new InvalidArgumentError('stepSize', 'must be > 0.'), 1, 'error: stepSize: must be > 0.\n'],
      [new CheckpointError('step 3 is corrupt.'), 1, 'error: step 3 is corrupt.\n'],
      [new CommandError('the folder is busy.'), 1, 'error: the folder is busy.\n'],
      [new DivergedError('The run diverged.'), 3, 'error: The run diverged.\n'],
      [new InterruptedError('Interrupted.'), 130, 'error: Interrupted.\n'],
      [fsError('ENOSPC', 'write', '/r/m.jsonl'), 1, 'error: cannot write /r/m.jsonl: no space left on the device (ENOSPC). Free some disk space.\n'],
      [fsError('EROFS', 'mkdir', '/r'), 1, 'error: cannot create the folder /r: the file system is read-only (EROFS). Choose a path on a writable file system.\n'],
      [new RangeError('Array buffer allocation failed'), 1, 'error: out of memory (Array buffer allocation failed). Lower --data-size, --hidden, --batch-size or --sample-size, or choose another --backend.\n'],
      [new TypeError("Cannot read properties of undefined (reading 'x')\nmore"), 2, "internal error: Cannot read properties of undefined (reading 'x'). This is a bug in ebm: rerun with --debug (or EBM_DEBUG=1) for the stack trace, and report it.\n"],
      ['a string', 2, 'internal error: a string. This is a bug in ebm: rerun with --debug (or EBM_DEBUG=1) for the stack trace, and report it.\n'],
    ] as const;
    for (const [error, exitCode, text] of cases) expect(reportFailure(error, false)).toEqual({ exitCode, text });
  });

  it('with debug, the stack traces of the error and its causes follow the line', () => {
    const cause = fsError('ENOSPC', 'write', '/r/x');
    const { text } = reportFailure(new CommandError('cannot write /r/x.', 1, { cause }), true);
    expect(text).toMatch(/^error: cannot write \/r\/x\.\nCommandError: cannot write \/r\/x\.\n\s+at .*\ncaused by: Error: ENOSPC: write '\/r\/x'\n\s+at /s);
  });

  it('debugRequested: --debug, or EBM_DEBUG set to anything but empty, 0 or false', () => {
    expect(debugRequested(['train', '--debug'], {})).toBe(true);
    expect(debugRequested(['train'], {})).toBe(false);
    for (const value of ['1', 'true', 'yes']) expect(debugRequested([], { EBM_DEBUG: value })).toBe(true);
    for (const value of ['', '0', 'false', 'FALSE']) expect(debugRequested([], { EBM_DEBUG: value })).toBe(false);
  });
});

describe('file-system errors in words', () => {
  it('names the action, the path, the reason and the fix; context overrides the system call and path', () => {
    expect(fileSystemErrorMessage(fsError('EACCES', 'open', '/r/.tmp-a-1'), { action: 'write', path: '/r/a' })).toBe(
      'cannot write /r/a: permission denied (EACCES). Check the permissions of the folder, or choose another path.',
    );
    expect(fileSystemErrorMessage(Object.assign(fsError('EXDEV', 'rename', '/a'), { dest: '/b' }))).toBe(
      'cannot rename /a to /b: the paths are on different file systems (EXDEV). Choose a path on one file system.',
    );
    const other = new Error('not a file-system error');
    expect(explainFileError(other, 'read', '/x')).toBe(other);
    expect(explainFileError(fsError('ENOENT', 'open', '/x'), 'read', '/x', 'Then retry.')).toEqual(
      new CommandError('cannot read /x: no such file or folder (ENOENT). Check the path: its folder must exist. Then retry.'),
    );
  });

  it('createFolder names a file in the way', () => {
    expect(() => createFolder('/proc/self/status/run', '--out')).toThrow(/^cannot create the folder \/proc\/self\/status\/run: \/proc\/self\/status is a file, not a folder\. Choose another --out/);
  });
});
