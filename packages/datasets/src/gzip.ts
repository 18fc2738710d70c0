/**
 * Gunzipping data files with errors that name the file: zlib alone says "unexpected end of file"
 * for a download cut short, without saying which file.
 */
import { InvalidArgumentError } from '@ebm/core';

/** gzip streams start with these two bytes (RFC 1952, ID1 ID2). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Whether `bytes` start like a gzip stream. */
export function isGzipped(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * `bytes` gunzipped when they are gzip-compressed, as they are otherwise (Node only: `node:zlib`
 * is imported lazily, and only for compressed bytes). A truncated or corrupt stream throws an
 * `InvalidArgumentError` on `argument` naming `source` (the file the bytes came from) and zlib's
 * reason.
 *
 * @example
 * const bytes = await gunzipIfCompressed('source', path, new Uint8Array(await readFile(path)));
 */
export async function gunzipIfCompressed(argument: string, source: string, bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzipped(bytes)) return bytes;
  const { gunzipSync } = await import('node:zlib');
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (error) {
    throw new InvalidArgumentError(
      argument,
      `${source} is a truncated or corrupt gzip file (${(error as Error).message}). Download it again, or pass the uncompressed file.`,
    );
  }
}
