import { InvalidArgumentError } from '@ebm/core';
import { expect, it } from 'vitest';
import { chainBlocks, weightedMeans } from './chain-blocks.js';

it('splits chains into contiguous blocks, the first N mod B one chain larger', () => {
  expect(chainBlocks(7, 3)).toEqual([
    { index: 0, begin: 0, size: 3 },
    { index: 1, begin: 3, size: 2 },
    { index: 2, begin: 5, size: 2 },
  ]);
  expect(chainBlocks(4, 4).map((b) => b.size)).toEqual([1, 1, 1, 1]);
  expect(chainBlocks(4096, 2).map((b) => b.size)).toEqual([2048, 2048]);
  expect(() => chainBlocks(2, 3)).toThrow(InvalidArgumentError);
  expect(() => chainBlocks(2, 0)).toThrow(/blocks/);
});

it('weights each block mean by its chain count', () => {
  expect(weightedMeans([{ size: 3, means: { acceptanceRate: 0.5 } }, { size: 1, means: { acceptanceRate: 1 } }])).toEqual({ acceptanceRate: 0.625 });
  expect(weightedMeans([{ size: 2, means: {} }])).toEqual({});
});
