import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, countDeviceReads, disposeState, foldIn, prngKey, uniformDistribution } from '@ebm/core';
import { describeBackends, expectNoLeaks } from '@ebm/core/testing';
import { describe, expect, it } from 'vitest';
import { type ReplayBufferState, createReplayBuffer, drawFromReplayBuffer, pushToReplayBuffer, replayBufferFill } from './replay-buffer.js';

/** Fresh starts in [-1, 1)^2, as contrastiveDivergence's default noise for 2-D rows. */
const NOISE = uniformDistribution({ eventShape: [2], low: -1, high: 1 });

describeBackends('replay buffer', () => {
  describe('ring buffer', () => {
    it('writes oldest-first at (count + i) mod size and counts every negative', () => {
      let replay: ReplayBufferState = createReplayBuffer(4, [1]);
      expect(replayBufferFill(replay)).toBe(0);
      const push = (values: number[]) => {
        const negatives = tf.tensor2d(values.map((v) => [v]));
        const next = pushToReplayBuffer(replay, negatives);
        disposeState(replay);
        negatives.dispose();
        replay = next;
      };
      push([1, 2, 3]);
      expect(replay.buffer.arraySync()).toEqual([[1], [2], [3], [0]]);
      expect(replayBufferFill(replay)).toBe(3);
      push([4, 5, 6]);
      // 4 fills row 3; 5 and 6 overwrite the oldest rows 0 and 1.
      expect(replay.buffer.arraySync()).toEqual([[5], [6], [3], [4]]);
      expect(replay.count).toBe(6);
      expect(replayBufferFill(replay)).toBe(4);
      // A write with kept rows on both sides, full-size writes that wrap, and one that does not.
      push([7]);
      expect(replay.buffer.arraySync()).toEqual([[5], [6], [7], [4]]);
      push([8, 9, 10, 11]);
      expect(replay.buffer.arraySync()).toEqual([[9], [10], [11], [8]]);
      push([12, 13, 14, 15]);
      expect(replay.buffer.arraySync()).toEqual([[13], [14], [15], [12]]);
      push([16]);
      push([17, 18, 19, 20]);
      expect(replay.buffer.arraySync()).toEqual([[17], [18], [19], [20]]);
      expect(replay.count).toBe(20);
      expect(() => push([7, 8, 9, 10, 11])).toThrow(InvalidArgumentError);
      disposeState(replay);
    });

    it('draws only noise until it holds a batch, then the same starts for the same key', () => {
      const empty = createReplayBuffer(8, [2]);
      const noiseOnly = drawFromReplayBuffer(prngKey(0), empty, 4, NOISE, 0.05);
      expect(Array.from(noiseOnly.restarted)).toEqual([1, 1, 1, 1]);
      const fifty = tf.fill([8, 2], 50);
      const full = pushToReplayBuffer(empty, fifty);
      const a = drawFromReplayBuffer(prngKey(1), full, 8, NOISE, 0.5);
      const b = drawFromReplayBuffer(prngKey(1), full, 8, NOISE, 0.5);
      expect(a.start.arraySync()).toEqual(b.start.arraySync());
      expect(Array.from(a.restarted)).toEqual(Array.from(b.restarted));
      (a.start.arraySync() as number[][]).forEach((row, i) => {
        if (a.restarted[i]) expect(row.every((v) => v >= -1 && v < 1)).toBe(true);
        else expect(row).toEqual([50, 50]);
      });
      const never = drawFromReplayBuffer(prngKey(2), full, 8, NOISE, 0);
      expect(Array.from(never.restarted)).toEqual(new Array(8).fill(0));
      const always = drawFromReplayBuffer(prngKey(3), full, 8, NOISE, 1);
      expect(Array.from(always.restarted)).toEqual(new Array(8).fill(1));
      tf.dispose([fifty, noiseOnly.start, a.start, b.start, never.start, always.start]);
      disposeState([empty, full]);
    });

    it('leaks no tensor over 1000 draw-and-push rounds', () => {
      let replay = createReplayBuffer(16, [2]);
      expectNoLeaks((i) => {
        const { start } = drawFromReplayBuffer(foldIn(prngKey(0), i), replay, 4, NOISE, 0.05);
        const next = pushToReplayBuffer(replay, start);
        start.dispose();
        disposeState(replay);
        replay = next;
      }, 1000);
      disposeState(replay);
    });
  });

  it('draws and pushes without reading the device', async () => {
    const empty = createReplayBuffer(8, [2]);
    const fifty = tf.fill([8, 2], 50);
    let replay = pushToReplayBuffer(empty, fifty);
    disposeState([empty, fifty]);
    const reads = await countDeviceReads(() => {
      const { start } = drawFromReplayBuffer(prngKey(4), replay, 4, NOISE, 0.5);
      const next = pushToReplayBuffer(replay, start);
      start.dispose();
      disposeState(replay);
      replay = next;
    });
    expect(reads).toBe(0);
    expect(replay.count).toBe(12);
    disposeState(replay);
  });
});
