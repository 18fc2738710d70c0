import { InvalidArgumentError, assertInteger } from '@ebm/core';

/** A contiguous block of chains: rows `[begin, begin + size)` of the start. */
export interface ChainBlock {
  /** The block's index b: its chains step with `foldIn(key, b)`. */
  readonly index: number;
  readonly begin: number;
  readonly size: number;
}

/**
 * Splits `numChains` chains into `blocks` contiguous blocks, the first `numChains mod blocks`
 * of them one chain larger (as numpy's `array_split`):
 *
 *   size_b = floor(N / B) + (b < N mod B ? 1 : 0),   begin_b = sum_{c < b} size_c.
 *
 * A pool's results depend on this split and on the keys `foldIn(key, b)`, never on how many
 * workers run the blocks; running each block in one thread reproduces them.
 *
 * @example
 * chainBlocks(5, 2); // [{ index: 0, begin: 0, size: 3 }, { index: 1, begin: 3, size: 2 }]
 */
export function chainBlocks(numChains: number, blocks: number): ChainBlock[] {
  assertInteger('blocks', blocks, 1);
  assertInteger('numChains', numChains, 1);
  if (numChains < blocks) {
    throw new InvalidArgumentError('blocks', `(${blocks}) is more than the ${numChains} chains: every block needs at least one chain. Pass fewer blocks or more chains.`);
  }
  const base = Math.floor(numChains / blocks);
  const larger = numChains % blocks;
  const result: ChainBlock[] = [];
  let begin = 0;
  for (let index = 0; index < blocks; index++) {
    const size = base + (index < larger ? 1 : 0);
    result.push({ index, begin, size });
    begin += size;
  }
  return result;
}

/** The chain-weighted mean of each block's mean step info: `sum_b size_b * m_b / sum_b size_b` per field. */
export function weightedMeans(parts: readonly { readonly size: number; readonly means: Readonly<Record<string, number>> }[]): Record<string, number> {
  const total = parts.reduce((sum, part) => sum + part.size, 0);
  const result: Record<string, number> = {};
  for (const field of Object.keys(parts[0]?.means ?? {})) {
    result[field] = parts.reduce((sum, part) => sum + part.size * part.means[field]!, 0) / total;
  }
  return result;
}
