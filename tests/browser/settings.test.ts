import { describe, expect, it } from 'vitest';
import {
  BOX,
  DEFAULT_SETTINGS,
  decodePoints,
  encodePoints,
  runName,
  settingsFromQuery,
  settingsToQuery,
} from '../../examples/playground/src/settings.js';

describe('playground settings in the URL', () => {
  it('packs drawn points in 3 bytes each and unpacks them within the 12-bit quantisation step', () => {
    const points = [0, 0, -4.5, 4.5, 1.234, -3.21, 4.4999, 0.001];
    const text = encodePoints(points);
    expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(text.length).toBe(Math.ceil(((points.length / 2) * 3 * 4) / 3));
    const back = decodePoints(text);
    const step = (BOX[0][1] - BOX[0][0]) / 4095;
    expect(back).toHaveLength(points.length);
    back.forEach((v, i) => expect(Math.abs(v - points[i]!)).toBeLessThanOrEqual(step / 2 + 1e-12));
    // Points outside the box are clamped to its edge.
    expect(decodePoints(encodePoints([-9, 9]))).toEqual([-4.5, 4.5]);
  });

  it('reads every setting from a query, and falls back to the default for a missing or invalid one', () => {
    const s = settingsFromQuery('?data=moons&objective=ssm&sampler=hmc&size=128,128&backend=webgl&lr=0.01&batch=64&steps=3000&seed=7');
    expect(s).toEqual({ data: 'moons', points: [], objective: 'ssm', sampler: 'hmc', size: '128,128', backend: 'webgl', lr: 0.01, batch: 64, steps: 3000, seed: 7 });
    expect(settingsFromQuery('')).toEqual(DEFAULT_SETTINGS);
    const bad = settingsFromQuery('?data=mnist&objective=gan&backend=tpu&lr=-1&batch=1.5&steps=abc&seed=-2&size=7');
    expect(bad).toEqual(DEFAULT_SETTINGS);
  });

  it('writes only the settings that differ from the defaults, and reads back what it wrote', () => {
    expect(settingsToQuery(DEFAULT_SETTINGS)).toBe('');
    const drawn = { ...DEFAULT_SETTINGS, data: 'drawn' as const, points: [1, 2, -1, -2], backend: 'cpu' as const, steps: 500 };
    const query = settingsToQuery(drawn);
    expect(new URLSearchParams(query).get('backend')).toBe('cpu');
    const back = settingsFromQuery(query);
    expect({ ...back, points: [] }).toEqual({ ...drawn, points: [] });
    back.points.forEach((v, i) => expect(v).toBeCloseTo(drawn.points[i]!, 2));
  });

  it('names a run by everything but the backend (a run paused on webgl resumes on wasm)', () => {
    const a = runName({ ...DEFAULT_SETTINGS, backend: 'webgl' });
    expect(runName({ ...DEFAULT_SETTINGS, backend: 'wasm' })).toBe(a);
    expect(runName({ ...DEFAULT_SETTINGS, seed: 1 })).not.toBe(a);
    expect(runName({ ...DEFAULT_SETTINGS, data: 'drawn', points: [0, 0] })).not.toBe(runName({ ...DEFAULT_SETTINGS, data: 'drawn', points: [0, 1] }));
    expect(a).toMatch(/^ebm-playground-[0-9a-f]{8}$/);
  });
});
