// Fault injection for the file system, for tests only: preload it with
// `node --import ./scripts/inject-fs.mjs bin/ebm.js ...` and describe the fault in EBM_FAULT.
// It patches node:fs and node:fs/promises (and FileHandle) in place and publishes the patches to
// every `import { ... } from 'node:fs'` with Node's own module.syncBuiltinESMExports(), so the
// product code has no hook at all.
//
// EBM_FAULT is JSON: {
//   "op":      one name or a list: "open" (opening a file for writing), "write" (FileHandle
//              write/writeFile, appendFile), "sync" (fsync), "rename", "mkdir", "remove" (rm);
//   "target":  a regular expression matched against the file's name, where the name of a
//              temporary file of an atomic write is the name it stands for (".tmp-config.json-
//              123-4-0" is "config.json", ".tmp-step-000006-..." is "step-000006"), and a rename
//              is named by its destination;
//   "fault":   "kill" (SIGKILL this process, i.e. kill -9 inside the write) or an error code
//              ("ENOSPC", "EROFS", "EACCES", "EIO") thrown as Node throws it;
//   "nth":     which matching call triggers (default 1);
//   "partial": for "write": first write half of the data, as a disk that fills up does;
//   "persist": keep failing every later matching call too (a disk that stays full).
// }
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const spec = JSON.parse(process.env.EBM_FAULT ?? 'null');
if (spec !== null) await install(spec);

const ERRNO = { ENOSPC: -28, EROFS: -30, EACCES: -13, EIO: -5 };
const MESSAGES = { ENOSPC: 'no space left on device', EROFS: 'read-only file system', EACCES: 'permission denied', EIO: 'i/o error' };

/** The name a path stands for: a temporary file of an atomic write stands for its target. */
function subject(path) {
  const name = basename(String(path));
  const temp = /^\.tmp-(.+)-\d+-\d+-\d+$/.exec(name);
  return temp === null ? name : temp[1];
}

async function install({ op, target, fault, nth = 1, partial = false, persist = false }) {
  const ops = new Set(Array.isArray(op) ? op : [op]);
  const pattern = new RegExp(target);
  let seen = 0;
  let fired = false;
  /** Whether the call `kind` on `path` is the faulty one. */
  const hits = (kind, path) => {
    if (!ops.has(kind) || !pattern.test(subject(path))) return false;
    if (fired && persist) return true;
    seen += 1;
    if (seen !== nth) return false;
    fired = true;
    return true;
  };
  const raise = (syscall, path) => {
    if (fault === 'kill') {
      process.kill(process.pid, 'SIGKILL');
      // SIGKILL is not delivered synchronously everywhere: never let the call go on meanwhile.
      for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
    const error = new Error(`${fault}: ${MESSAGES[fault] ?? 'injected fault'}, ${syscall} '${path}'`);
    throw Object.assign(error, { errno: ERRNO[fault], code: fault, syscall, path: String(path) });
  };
  const writing = (flags) => flags !== undefined && flags !== 'r' && flags !== 'rs' && flags !== fs.constants.O_RDONLY;
  const half = (data) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return bytes.subarray(0, bytes.length >> 1);
  };

  const p = fs.promises;
  const paths = new WeakMap();
  const original = { open: p.open, rename: p.rename, mkdir: p.mkdir, rm: p.rm, appendFile: p.appendFile, mkdirSync: fs.mkdirSync, rmSync: fs.rmSync };
  p.open = async (path, flags, mode) => {
    if (writing(flags) && hits('open', path)) raise('open', path);
    const handle = await original.open(path, flags, mode);
    paths.set(handle, path);
    return handle;
  };
  p.rename = async (from, to) => {
    if (hits('rename', to)) raise('rename', from);
    return original.rename(from, to);
  };
  p.mkdir = async (path, options) => {
    if (hits('mkdir', path)) raise('mkdir', path);
    return original.mkdir(path, options);
  };
  p.rm = async (path, options) => {
    if (hits('remove', path)) raise('rm', path);
    return original.rm(path, options);
  };
  p.appendFile = async (path, data, options) => {
    if (hits('write', path)) {
      if (partial) await original.appendFile(path, half(data), options);
      raise('write', path);
    }
    return original.appendFile(path, data, options);
  };
  fs.mkdirSync = (path, options) => {
    if (hits('mkdir', path)) raise('mkdir', path);
    return original.mkdirSync(path, options);
  };
  fs.rmSync = (path, options) => {
    if (hits('remove', path)) raise('rm', path);
    return original.rmSync(path, options);
  };
  syncBuiltinESMExports();

  // FileHandle methods live on its prototype: reach it through a handle on a file that exists.
  const handle = await original.open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(handle);
  await handle.close();
  const { writeFile, write, sync } = proto;
  proto.writeFile = async function (data, options) {
    const path = paths.get(this);
    if (path !== undefined && hits('write', path)) {
      if (partial) await write.call(this, half(data));
      raise('write', path);
    }
    return writeFile.call(this, data, options);
  };
  proto.sync = async function () {
    const path = paths.get(this);
    if (path !== undefined && hits('sync', path)) raise('fsync', path);
    return sync.call(this);
  };
}
