/**
 * File-system errors in words: what failed, on which path, why, and what to do, instead of
 * Node's `ENOSPC: no space left on device, write` and a stack trace.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CommandError } from './failures.js';

/** Why an operation failed and what to do about it, by error code. */
const REASONS: Readonly<Record<string, { readonly why: string; readonly fix: string }>> = {
  ENOENT: { why: 'no such file or folder', fix: 'Check the path: its folder must exist.' },
  EEXIST: { why: 'a file is already there', fix: 'Choose another path, or move that file away.' },
  ENOTDIR: { why: 'a part of the path is a file, not a folder', fix: 'Choose another path, or move that file away.' },
  EISDIR: { why: 'it is a folder, not a file', fix: 'Pass the path of a file.' },
  EACCES: { why: 'permission denied', fix: 'Check the permissions of the folder, or choose another path.' },
  EPERM: { why: 'operation not permitted', fix: 'Check the permissions of the folder, or choose another path.' },
  EROFS: { why: 'the file system is read-only', fix: 'Choose a path on a writable file system.' },
  ENOSPC: { why: 'no space left on the device', fix: 'Free some disk space.' },
  EDQUOT: { why: 'the disk quota is exhausted', fix: 'Free some space within your quota.' },
  EMFILE: { why: 'too many open files', fix: 'Close other programs or raise the limit (ulimit -n).' },
  ENFILE: { why: 'too many open files in the system', fix: 'Close other programs.' },
  ENAMETOOLONG: { why: 'the path is too long', fix: 'Choose a shorter path.' },
  ELOOP: { why: 'too many symbolic links in the path', fix: 'Check the symbolic links in the path.' },
  EIO: { why: 'an input/output error (a failing disk or a lost network mount)', fix: 'Check the disk.' },
  EBUSY: { why: 'the file or folder is busy', fix: 'Close the program that uses it.' },
  ENOTEMPTY: { why: 'the folder is not empty', fix: 'Choose another path.' },
  EXDEV: { why: 'the paths are on different file systems', fix: 'Choose a path on one file system.' },
};

/** Node's system-call names in words (`mkdir` -> `create the folder`). */
const ACTIONS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rmdir: 'remove the folder',
  rm: 'remove',
  unlink: 'remove',
  rename: 'rename',
  scandir: 'read the folder',
  fsync: 'flush to disk',
  stat: 'look at',
  lstat: 'look at',
  access: 'access',
  copyfile: 'copy',
};

/** Whether `error` is a Node file-system error (an `Error` with a known `code`, e.g. `ENOSPC`). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).code! in REASONS;
}

/**
 * One line for a file-system error: `cannot <action> <path>: <why> (<CODE>). <fix>`. `action`
 * and `path` describe what the command was doing (`write`, `runs/a/summary.json`), which may be
 * clearer than the system call and path in the error (a temporary file next to the target).
 *
 * @example
 * fileSystemErrorMessage(error, { action: 'write', path: 'runs/a/summary.json' });
 * // 'cannot write runs/a/summary.json: no space left on the device (ENOSPC). Free some disk space.'
 */
export function fileSystemErrorMessage(error: NodeJS.ErrnoException & { code: string }, context: { readonly action?: string; readonly path?: string } = {}): string {
  const reason = REASONS[error.code]!;
  const action = context.action ?? ACTIONS[error.syscall ?? ''] ?? error.syscall ?? 'use';
  const path = context.path ?? error.path;
  const dest = context.path === undefined && (error as { dest?: string }).dest !== undefined ? ` to ${(error as { dest?: string }).dest}` : '';
  return `cannot ${action}${path === undefined ? '' : ` ${path}`}${dest}: ${reason.why} (${error.code}). ${reason.fix}`;
}

/**
 * The error to throw for `error`, raised while trying to `action` `path`: a file-system error
 * becomes a {@link CommandError} whose one line names them (see {@link fileSystemErrorMessage}),
 * with `hint` appended; any other error is returned as it is.
 *
 * @example
 * try { readFileSync(path, 'utf8'); } catch (error) { throw explainFileError(error, 'read', path); }
 */
export function explainFileError(error: unknown, action: string, path: string, hint = ''): unknown {
  if (!isFileSystemError(error)) return error;
  return new CommandError(`${fileSystemErrorMessage(error, { action, path })}${hint === '' ? '' : ` ${hint}`}`, undefined, { cause: error });
}

/**
 * Runs `operation`, throwing what {@link explainFileError} makes of its errors.
 *
 * @example
 * await explainFileErrors('write', path, () => writeFileAtomic(path, csv));
 */
export async function explainFileErrors<T>(action: string, path: string, operation: () => T | Promise<T>, hint = ''): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw explainFileError(error, action, path, hint);
  }
}

/**
 * Creates folder `dir` (and its parents). On failure names the real obstacle: a file where a
 * folder should be, or the nearest existing parent that cannot be written (a read-only file
 * system or missing permission; `mkdir -p` reports some of these as a misleading ENOENT).
 *
 * @example
 * createFolder('runs/a', '--out');
 */
export function createFolder(dir: string, flag: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    const obstacle = nearestExisting(dir);
    if (obstacle !== undefined && !obstacle.isFolder) {
      throw new CommandError(`cannot create the folder ${dir}: ${obstacle.path} is a file, not a folder. Choose another ${flag}, or move that file away.`, undefined, {
        cause: error,
      });
    }
    if (obstacle !== undefined && !obstacle.writable && error.code !== 'ENOSPC') {
      throw new CommandError(
        `cannot create the folder ${dir}: ${obstacle.path} cannot be written (a read-only file system, or no permission; ${error.code}). ` +
          `Choose another ${flag} on a writable file system.`,
        undefined,
        { cause: error },
      );
    }
    throw new CommandError(fileSystemErrorMessage(error, { action: 'create the folder', path: dir }), undefined, { cause: error });
  }
}

/** The nearest existing path at or above `path`: whether it is a folder and whether this process may write into it. */
function nearestExisting(path: string): { readonly path: string; readonly isFolder: boolean; readonly writable: boolean } | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      const isFolder = statSync(p).isDirectory();
      let writable = true;
      try {
        accessSync(p, constants.W_OK);
      } catch {
        writable = false;
      }
      return { path: p, isFolder, writable };
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}
