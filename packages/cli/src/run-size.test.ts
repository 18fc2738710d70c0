import { describe, expect, it } from 'vitest';
import { validateConfig } from './config.js';
import { checkRunFits, formatBytes, memoryEstimate, memoryLimits, parameterCount } from './run-size.js';

describe('run sizes', () => {
  it('counts the MLP parameters on 2-D inputs: weights and biases of every layer and the output', () => {
    // 2 -> 64 -> 64 -> 1: (2*64 + 64) + (64*64 + 64) + (64 + 1).
    expect(parameterCount([64, 64])).toBe(192 + 4160 + 65);
    expect(parameterCount([8])).toBe(2 * 8 + 8 + 8 + 1);
  });

  it('estimates 80 B per data row, 24 B per parameter, 32 B per evaluated row and unit', () => {
    const config = validateConfig({ dataSize: 1000, testSize: 500, hidden: [10, 20], batchSize: 100, sampleSize: 5000 });
    expect(memoryEstimate(config).map((part) => part.bytes)).toEqual([1500 * 80, parameterCount([10, 20]) * 24, 5000 * 30 * 32]);
  });

  it('refuses a run above the limits, naming the largest part and its flags, and accepts one below', () => {
    const limits = { tensorBytes: 1e9, tensorWhat: 'a test limit', heapBytes: 1e9 };
    const config = validateConfig({ dataSize: 13_000_000, testSize: 1000 });
    expect(() => checkRunFits(config, limits)).toThrow(
      /^The run needs about 1.1 GB of memory, more than a test limit \(1 GB\); the data alone takes about 1 GB \(--data-size 13000000, --test-size 1000\)\. Lower --data-size or --test-size\.$/,
    );
    expect(() => checkRunFits(validateConfig({ hidden: [20000, 20000] }), limits)).toThrow(/the model and its optimizer state alone takes about 9.6 GB \(--hidden 20000,20000\)\. Lower --hidden\.$/);
    expect(() => checkRunFits(validateConfig({ dataSize: 10_000_000 }), limits)).not.toThrow();
    expect(() => checkRunFits(validateConfig({ dataSize: 50_000_000 }), { ...limits, tensorBytes: 1e12 })).toThrow(
      /^--data-size 50000000 needs about 1.2 GB of JavaScript heap, more than Node's limit \(1 GB\)\. Lower --data-size, or raise the limit with NODE_OPTIONS/,
    );
    expect(() => checkRunFits(validateConfig({ dataSize: 100, batchSize: 101 }), limits)).toThrow(/^--batch-size 101 is larger than --data-size 100/);
  });

  it('wasm is limited to its 4 GiB address space; the default config fits', () => {
    expect(memoryLimits('wasm').tensorBytes).toBeLessThanOrEqual(65535 * 65536);
    expect(() => checkRunFits(validateConfig({}))).not.toThrow();
  });

  it('formats bytes with decimal units', () => {
    expect([999, 1536, 4294901760, 9.6e11, 1.2e15].map(formatBytes)).toEqual(['999 B', '1.5 KB', '4.3 GB', '960 GB', '1.2 PB']);
  });
});
