/**
 * Getting a data file's bytes without Node: from a buffer, or fetched from a URL, and gunzipped
 * with the platform's `DecompressionStream` when they are gzip (browsers, workers and Node >= 18).
 */
import { InvalidArgumentError } from '@ebm/core';

/** A data file as bytes, or where to fetch it: a `URL` or a URL string (relative to the page in a browser). */
export type DataSource = URL | string | ArrayBuffer | ArrayBufferView;

/** gzip streams start with these two bytes (RFC 1952, ID1 ID2). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * `bytes` decompressed with the platform's `DecompressionStream` when they are gzip, as they are
 * otherwise. A truncated or corrupt stream throws an `InvalidArgumentError` on `argument` naming
 * `name` (the file or URL the bytes came from): the platform alone does not say which file.
 */
export async function gunzipIfCompressed(bytes: Uint8Array, argument: string, name: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new InvalidArgumentError(
      argument,
      `${name} is a truncated or corrupt gzip file (${(error as Error).message}). Download it again, or pass the uncompressed file.`,
    );
  }
}

/** How errors name a data source: its URL or path, or "the buffer" for bytes. */
export function sourceName(source: unknown): string {
  return typeof source === 'string' || source instanceof URL ? String(source) : 'the buffer';
}

/**
 * The bytes of `source` (fetched when it is a URL), gunzipped when they are gzip (errors name the
 * source, see {@link sourceName}). `argument` and
 * `nodeAlternative` name the caller's argument and the `@ebm/datasets/node` function that reads paths,
 * for the error a failed fetch throws.
 */
export async function readSource(source: DataSource, argument: string, nodeAlternative: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (source instanceof ArrayBuffer) {
    bytes = new Uint8Array(source);
  } else if (ArrayBuffer.isView(source)) {
    bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  } else if (typeof source === 'string' || source instanceof URL) {
    bytes = await fetchBytes(source, argument, nodeAlternative);
  } else {
    throw new InvalidArgumentError(argument, `must be a URL, a URL string, an ArrayBuffer or a typed array, got ${typeof source}.`);
  }
  return gunzipIfCompressed(bytes, argument, sourceName(source));
}

async function fetchBytes(url: URL | string, argument: string, nodeAlternative: string): Promise<Uint8Array> {
  const pathHint = ` To read a file path in Node, use ${nodeAlternative} from '@ebm/datasets/node'.`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new InvalidArgumentError(argument, `could not fetch ${String(url)}: ${(error as Error).message}.${pathHint}`);
  }
  if (!response.ok) {
    throw new InvalidArgumentError(argument, `fetching ${String(url)} failed with HTTP ${response.status} ${response.statusText}.`.trimEnd());
  }
  return new Uint8Array(await response.arrayBuffer());
}
