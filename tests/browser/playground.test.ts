/**
 * The built playground in Chromium, served as static files with COOP/COEP: trains the default
 * recipe on wasm (threaded build) and on webgl (SwiftShader) for a few hundred steps each, and
 * briefly on webgpu where this Chromium has an adapter (SwiftShader's WebGPU does about one step a
 * second); the loss falls, the exact test NLL gap shrinks, nothing is logged as an error, and a
 * screenshot of each run is saved in `test-results/`. Every objective and sampler of the menus
 * trains; points drawn with the mouse become the data and go into the URL; a paused run resumes
 * from its IndexedDB checkpoint after a reload, and Reset deletes it.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundState } from '../../examples/playground/src/main.js';
import { launchChromium, openRecordingPage } from './chromium.js';
import { type StaticServer, serveStatic } from './server.js';

const dist = fileURLToPath(new URL('../../examples/playground/dist/', import.meta.url));
const results = fileURLToPath(new URL('./test-results/', import.meta.url));
/** Steps per backend: enough for the 8gaussians NCE run to leave its initial blob, few enough for CI. */
const STEPS = 300;

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir(results, { recursive: true });
  server = await serveStatic({ '/': dist });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh browser context (own IndexedDB) with a page that records console errors and uncaught exceptions. */
async function openPage(context: BrowserContext, query: string): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openRecordingPage(context, `${server.origin}/?${query}`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('ready'));
  return { page, errors };
}

const playgroundState = (page: Page) => page.evaluate(() => (window as unknown as { ebmPlayground: PlaygroundState }).ebmPlayground);

/** Clicks Train and waits until the run is done, paused or failed (or `until` holds). */
async function train(page: Page, until = "['done', 'paused', 'error'].includes(s.status)"): Promise<PlaygroundState> {
  await page.click('#train');
  await page.waitForFunction(`(() => { const s = window.ebmPlayground; return ${until}; })()`, undefined, { timeout: 200_000, polling: 250 });
  return playgroundState(page);
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** What every training run must show: no errors, all steps, a falling loss, a shrinking exact NLL gap. */
function expectLearned(state: PlaygroundState, errors: readonly string[], backend: string): void {
  expect(errors).toEqual([]);
  expect(state.status).toBe('done');
  expect(state.backend).toBe(backend);
  expect(state.step).toBe(STEPS);
  expect(state.losses).toHaveLength(STEPS);
  // NCE's logistic loss starts near its chance value and falls as the model separates data from noise.
  const [early, late] = [mean(state.losses.slice(0, 30)), mean(state.losses.slice(-30))];
  expect(late).toBeLessThan(early);
  // The exact test NLL (quadrature) at steps 0, 100, 200 and 300, as a gap to the 8gaussians entropy.
  expect(state.evaluations.map((e) => e.step)).toEqual([0, 100, 200, 300]);
  const gaps = state.evaluations.map((e) => e.gap!);
  expect(gaps.every(Number.isFinite)).toBe(true);
  expect(gaps.at(-1)!).toBeLessThan(gaps[0]!);
  console.log(
    `${backend}: ${state.trainStepsPerSecond!.toFixed(1)} steps/s training alone, threads ${state.threads}, isolated ${state.crossOriginIsolated}; ` +
      `loss ${early.toFixed(3)} -> ${late.toFixed(3)}; NLL gap ${gaps.map((g) => g.toFixed(3)).join(' -> ')}`,
  );
}

describe('the playground in Chromium', () => {
  it('trains the default recipe (NCE, MLP 64-64, 8gaussians) on wasm, the page cross-origin isolated', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    const { page, errors } = await openPage(context, `backend=wasm&steps=${STEPS}`);
    const state = await train(page);
    await page.screenshot({ path: `${results}playground-wasm.png`, fullPage: true });
    expect(state.crossOriginIsolated).toBe(true);
    expectLearned(state, errors, 'wasm');
    await context.close();
  });

  it('trains the default recipe on webgl (SwiftShader)', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    const { page, errors } = await openPage(context, `backend=webgl&steps=${STEPS}`);
    const state = await train(page);
    await page.screenshot({ path: `${results}playground-webgl.png`, fullPage: true });
    expectLearned(state, errors, 'webgl');
    await context.close();
  });

  it('trains the default recipe on webgpu where this Chromium has an adapter (SwiftShader: a short run), else the option is disabled', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    const steps = 10;
    const { page, errors } = await openPage(context, `backend=webgpu&steps=${steps}`);
    const adapter = await page.evaluate(async () => (await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()) != null);
    await page.waitForFunction((has) => document.querySelector<HTMLOptionElement>('option[value="webgpu"]')!.disabled === !has, adapter);
    if (!adapter) {
      console.log('webgpu: no adapter in this Chromium; the playground disables the option');
      await context.close();
      return;
    }
    const state = await train(page);
    await page.screenshot({ path: `${results}playground-webgpu.png`, fullPage: true });
    // No synchronous read reaches the GPU: on webgpu one breaks the device ("external Instance reference no longer exists").
    expect(errors).toEqual([]);
    expect(state.status).toBe('done');
    expect(state.backend).toBe('webgpu');
    expect(state.losses).toHaveLength(steps);
    expect(state.losses.every(Number.isFinite)).toBe(true);
    expect(state.evaluations.map((e) => e.step)).toEqual([0, steps]);
    console.log(`webgpu: ${state.trainStepsPerSecond!.toFixed(2)} steps/s training alone; loss ${state.losses[0]!.toFixed(3)} -> ${state.losses.at(-1)!.toFixed(3)}`);
    await context.close();
  });

  it('trains with every objective and every sampler of the menus (moons, 60 steps on wasm)', async () => {
    // Each objective once, and each sampler once as persistent CD's (pcd) negative sampler.
    const runs = [['nce', 'langevin'], ['pcd', 'langevin'], ['replay', 'mala'], ['dsm', 'langevin'], ['ssm', 'langevin'], ['pcd', 'hmc'], ['pcd', 'rwm'], ['pcd', 'mala']];
    for (const [objective, sampler] of runs) {
      const context = await browser.newContext();
      const { page, errors } = await openPage(context, `data=moons&objective=${objective}&sampler=${sampler}&steps=60`);
      const state = await train(page);
      expect(errors, `${objective} + ${sampler}`).toEqual([]);
      expect(state.status, `${objective} + ${sampler}: ${state.error}`).toBe('done');
      expect(state.losses.every(Number.isFinite)).toBe(true);
      const [before, after] = state.evaluations.map((e) => e.nll);
      expect(after, `${objective} + ${sampler}: exact NLL ${before} -> ${after}`).toBeLessThan(before!);
      await context.close();
    }
  });

  it('trains on points drawn with the mouse, which go into the URL', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
    const steps = 100;
    const { page, errors } = await openPage(context, `data=drawn&backend=wasm&steps=${steps}`);
    // Draw a circle of radius ~1/4 of the panel around its centre.
    const box = (await page.locator('#density').boundingBox())!;
    const [cx, cy, r] = [box.x + box.width / 2, box.y + box.height / 2, box.width / 4];
    await page.mouse.move(cx + r, cy);
    await page.mouse.down();
    for (let k = 1; k <= 60; k++) await page.mouse.move(cx + r * Math.cos((2 * Math.PI * k) / 60), cy + r * Math.sin((2 * Math.PI * k) / 60));
    await page.mouse.up();
    // The page writes the URL with history.replaceState; playwright learns of it asynchronously.
    await page.waitForURL((url) => url.searchParams.has('points'));
    const points = new URL(page.url()).searchParams.get('points');
    expect(points).not.toBeNull();
    // Each drawn point is 3 bytes = 4 base64 characters; moves closer than 0.1 apart are merged.
    expect(points!.length / 4).toBeGreaterThan(20);
    const state = await train(page);
    await page.screenshot({ path: `${results}playground-drawn.png`, fullPage: true });
    expect(errors).toEqual([]);
    expect(state.status).toBe('done');
    expect(state.losses).toHaveLength(steps);
    // No entropy for drawn data: the exact NLL is reported without a gap.
    expect(state.evaluations.map((e) => e.step)).toEqual([0, steps]);
    expect(state.evaluations.every((e) => Number.isFinite(e.nll) && e.gap === undefined)).toBe(true);
    expect(state.evaluations[1]!.nll).toBeLessThan(state.evaluations[0]!.nll);
    await context.close();
  });

  it('pauses, and after a reload resumes from the IndexedDB checkpoint; reset deletes it', async () => {
    const context = await browser.newContext();
    const steps = 250;
    const first = await openPage(context, `backend=wasm&steps=${steps}&seed=3`);
    // Checkpoints are saved every 100 steps and on pause.
    const paused = await (async () => {
      await train(first.page, 's.step >= 120');
      await first.page.click('#pause');
      await first.page.waitForFunction(() => (window as unknown as { ebmPlayground: PlaygroundState }).ebmPlayground.status === 'paused');
      return playgroundState(first.page);
    })();
    expect(paused.step).toBeGreaterThanOrEqual(120);
    expect(paused.step).toBeLessThan(steps);
    await first.page.reload();
    await first.page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('ready'));
    const resumed = await train(first.page);
    expect(first.errors).toEqual([]);
    expect(resumed.resumedFrom).toBe(paused.step);
    expect(resumed.status).toBe('done');
    expect(resumed.step).toBe(steps);
    expect(resumed.losses).toHaveLength(steps - paused.step);
    // Reset deletes the run's checkpoints: the next run starts from step 0.
    await first.page.click('#reset');
    await first.page.waitForFunction(() => (window as unknown as { ebmPlayground: PlaygroundState }).ebmPlayground.status === 'idle');
    const fresh = await train(first.page, "s.status === 'training' && s.step >= 1");
    expect(fresh.resumedFrom).toBe(0);
    await first.page.click('#pause');
    expect(first.errors).toEqual([]);
    await context.close();
  });
});
