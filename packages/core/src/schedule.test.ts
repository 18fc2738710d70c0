import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { constantSchedule, cosineDecay, exponentialDecay, polynomialDecay, scheduleAt, toSchedule, warmup } from './schedule.js';

describe('schedules', () => {
  it('constantSchedule gives the same value at every step', () => {
    const h = constantSchedule(0.1);
    for (const t of [0, 1, 10, 1e6]) expect(h(t)).toBe(0.1);
  });

  it('exponentialDecay gives initial * rate^(t / every), floored at min', () => {
    const smooth = exponentialDecay({ initial: 1, rate: 0.5, every: 10 });
    expect(smooth(0)).toBe(1);
    expect(smooth(5)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(smooth(20)).toBeCloseTo(0.25, 12);
    const stairs = exponentialDecay({ initial: 2, rate: 0.1, every: 10, staircase: true });
    expect(stairs(9)).toBe(2);
    expect(stairs(10)).toBeCloseTo(0.2, 12);
    expect(stairs(25)).toBeCloseTo(0.02, 12);
    const floored = exponentialDecay({ initial: 1, rate: 0.5, min: 0.1 });
    expect(floored(3)).toBeCloseTo(0.125, 12);
    expect(floored(4)).toBe(0.1);
    expect(floored(100)).toBe(0.1);
  });

  it('polynomialDecay gives a (b + t)^-gamma (Welling & Teh 2011)', () => {
    const h = polynomialDecay({ a: 0.1, b: 1, gamma: 0.5 });
    expect(h(0)).toBeCloseTo(0.1, 12);
    expect(h(3)).toBeCloseTo(0.05, 12);
    expect(h(99)).toBeCloseTo(0.01, 12);
    const defaults = polynomialDecay({ a: 2 });
    expect(defaults(0)).toBeCloseTo(2, 12);
    expect(defaults(9)).toBeCloseTo(2 * 10 ** -0.55, 12);
  });

  it('cosineDecay gives initial ((1 - alpha)(1 + cos(pi min(t, T) / T)) / 2 + alpha)', () => {
    const lr = cosineDecay({ initial: 2, decaySteps: 100 });
    expect(lr(0)).toBe(2);
    expect(lr(50)).toBeCloseTo(1, 12);
    expect(lr(25)).toBeCloseTo(1 + Math.SQRT1_2, 12);
    expect(lr(100)).toBeCloseTo(0, 12);
    expect(lr(1000)).toBeCloseTo(0, 12);
    const floored = cosineDecay({ initial: 1, decaySteps: 10, alpha: 0.1 });
    expect(floored(10)).toBeCloseTo(0.1, 12);
    expect(floored(5)).toBeCloseTo(0.55, 12);
  });

  it('warmup rises linearly from initial to schedule(0) over W steps, then follows the schedule shifted by W', () => {
    const lr = warmup(cosineDecay({ initial: 1, decaySteps: 100 }), { steps: 10 });
    expect(lr(0)).toBe(0);
    expect(lr(5)).toBeCloseTo(0.5, 12);
    expect(lr(10)).toBe(1);
    expect(lr(60)).toBeCloseTo(0.5, 12);
    const fromConstant = warmup(0.4, { steps: 4, initial: 0.2 });
    [0.2, 0.25, 0.3, 0.35, 0.4, 0.4].forEach((v, i) => expect(fromConstant([0, 1, 2, 3, 4, 9][i]!)).toBeCloseTo(v, 12));
  });

  it('turns a number into a constant schedule and validates scheduled values', () => {
    expect(toSchedule(0.3, 'stepSize')(7)).toBe(0.3);
    const custom = (t: number) => 1 - t;
    expect(toSchedule(custom, 'stepSize')).toBe(custom);
    expect(scheduleAt(custom, 0, 'stepSize')).toBe(1);
    expect(() => scheduleAt(custom, 1, 'stepSize')).toThrow(InvalidArgumentError);
    expect(() => scheduleAt(custom, 1, 'stepSize')).toThrow(/^stepSize:.*step 1/);
    expect(() => scheduleAt(() => Number.NaN, 0, 'learningRate')).toThrow(/^learningRate/);
  });

  it.each([
    ['value', () => constantSchedule(0)],
    ['stepSize', () => toSchedule(-1, 'stepSize')],
    ['decaySteps', () => cosineDecay({ initial: 1, decaySteps: 0 })],
    ['alpha', () => cosineDecay({ initial: 1, decaySteps: 10, alpha: 1 })],
    ['steps', () => warmup(0.1, { steps: 0 })],
    ['initial', () => exponentialDecay({ initial: 0, rate: 0.5 })],
    ['rate', () => exponentialDecay({ initial: 1, rate: 1.5 })],
    ['rate', () => exponentialDecay({ initial: 1, rate: 0 })],
    ['every', () => exponentialDecay({ initial: 1, rate: 0.5, every: 0.5 })],
    ['min', () => exponentialDecay({ initial: 1, rate: 0.5, min: 1 })],
    ['min', () => exponentialDecay({ initial: 1, rate: 0.5, min: -1 })],
    ['a', () => polynomialDecay({ a: -0.1 })],
    ['b', () => polynomialDecay({ a: 0.1, b: 0 })],
    ['gamma', () => polynomialDecay({ a: 0.1, gamma: 0 })],
    ['gamma', () => polynomialDecay({ a: 0.1, gamma: 2 })],
  ])('rejects a bad %s', (argument, make) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(new RegExp(`^${argument}:`));
  });
});
