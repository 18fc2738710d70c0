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

/** Decompresses gzip `bytes` with the platform's `DecompressionStream`. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The bytes of `source` (fetched when it is a URL), gunzipped when they are gzip. `argument` and
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
  return isGzip(bytes) ? gunzip(bytes) : bytes;
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
