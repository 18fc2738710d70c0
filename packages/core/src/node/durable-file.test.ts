import fs from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_PREFIX, removeTemporaryFiles, writeFileAtomic } from './durable-file.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ebm-durable-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshDir = async () => {
  const dir = join(root, `dir-${counter++}`);
  await mkdir(dir);
  return dir;
};

/** Makes the next `fs.promises[name]` call fail with `code` (Node's own way to patch its built-ins). */
const restores: (() => void)[] = [];
function failNext(name: 'rename' | 'open', code: string): void {
  const promises = fs.promises as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = promises[name]!;
  let armed = true;
  promises[name] = (...args) => {
    if (!armed) return original(...args);
    armed = false;
    return Promise.reject(Object.assign(new Error(`${code}: injected, ${name} '${String(args[0])}'`), { code, syscall: name, path: String(args[0]) }));
  };
  syncBuiltinESMExports();
  restores.push(() => {
    promises[name] = original;
    syncBuiltinESMExports();
  });
}
/** Makes the next FileHandle.writeFile write half of its data, then fail with ENOSPC (a disk that fills up mid-write). */
async function failNextWriteHalfway(): Promise<void> {
  const probe = await fs.promises.open(join(root, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { writeFile: (this: typeof probe, data: string | Uint8Array) => Promise<void> };
  await probe.close();
  const original = proto.writeFile;
  let armed = true;
  proto.writeFile = async function (data) {
    if (!armed) return original.call(this, data);
    armed = false;
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.write(bytes.subarray(0, bytes.length >> 1));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  };
  restores.push(() => {
    proto.writeFile = original;
  });
}
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

describe('writeFileAtomic', () => {
  it('creates and replaces a file, leaving no temporary file', async () => {
    const dir = await freshDir();
    const path = join(dir, 'config.json');
    await writeFileAtomic(path, '{"a": 1}\n');
    await writeFileAtomic(path, new TextEncoder().encode('{"a": 2}\n'));
    expect(await readFile(path, 'utf8')).toBe('{"a": 2}\n');
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it.each([['open'], ['rename']] as const)('a failed %s (disk full) leaves the old content and no temporary file, and rethrows the error', async (call) => {
    const dir = await freshDir();
    const path = join(dir, 'summary.json');
    await writeFile(path, 'old');
    failNext(call, 'ENOSPC');
    const error = await writeFileAtomic(path, 'new').then(() => undefined, (e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['summary.json']);
  });
});

describe('writeFileAtomic on a disk that fills up mid-write', () => {
  it('keeps the old content, removes the half-written temporary file and rethrows ENOSPC', async () => {
    const dir = await freshDir();
    const path = join(dir, 'metrics.jsonl');
    await writeFile(path, 'old\n');
    await failNextWriteHalfway();
    const error = await writeFileAtomic(path, 'a much longer new content\n').then(() => undefined, (e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(await readFile(path, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['metrics.jsonl']);
  });
});

describe('removeTemporaryFiles', () => {
  it('removes .tmp-* files and folders and nothing else; a missing folder has none', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, `${TEMP_PREFIX}config.json-1-2-3`), 'half');
    await mkdir(join(dir, `${TEMP_PREFIX}step-000004-1-2-3`));
    await writeFile(join(dir, `${TEMP_PREFIX}step-000004-1-2-3`, 'tensors.bin'), 'x');
    await writeFile(join(dir, 'config.json'), '{}');
    expect(await removeTemporaryFiles(dir)).toEqual([`${TEMP_PREFIX}config.json-1-2-3`, `${TEMP_PREFIX}step-000004-1-2-3`]);
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await removeTemporaryFiles(join(dir, 'nothing'))).toEqual([]);
  });
});
