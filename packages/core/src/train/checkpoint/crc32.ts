/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the checksum of zip and PNG) of `bytes`.
 * Checkpoints store it for `tensors.bin` so that a truncated or corrupted file is detected on
 * load. Table-driven, one byte per step; pure JavaScript, so it works in Node and in browsers
 * (WebCrypto's SHA-256 is missing from non-secure browser contexts).
 *
 * @example
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926, the standard check value
 */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return (crc ^ 0xffffffff) >>> 0;
}

/** The CRC of every byte value: 8 rounds of "shift right, xor the polynomial when the low bit is set". */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
