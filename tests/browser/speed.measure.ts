/**
 * Steps per second of the playground's default recipe (NCE, MLP 64-64, batch 256, 8gaussians) in
 * Chromium on each backend, training alone (views and evaluations excluded) and as the page runs
 * (with them), and wasm with and without cross-origin isolation. Prints a table; asserts nothing
 * about speed. Not part of `pnpm test`:
 *
 *   pnpm build && cd tests/browser && npx vitest run --config vitest.measure.config.ts
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import type { PlaygroundState } from '../../examples/playground/src/main.js';
import { launchChromium, openRecordingPage } from './chromium.js';
import { type StaticServer, serveStatic } from './server.js';

const dist = fileURLToPath(new URL('../../examples/playground/dist/', import.meta.url));
/** Steps per backend: long enough for a stable rate, short enough for SwiftShader. */
const RUNS = [
  { backend: 'wasm', steps: 400, isolated: true },
  { backend: 'wasm', steps: 400, isolated: false },
  { backend: 'cpu', steps: 200, isolated: true },
  { backend: 'webgl', steps: 200, isolated: true },
  { backend: 'webgpu', steps: 20, isolated: true },
] as const;

let servers: Record<'isolated' | 'plain', StaticServer>;
let browser: Browser;

beforeAll(async () => {
  servers = { isolated: await serveStatic({ '/': dist }, true), plain: await serveStatic({ '/': dist }, false) };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(Object.values(servers ?? {}).map((s) => s.close()));
});

async function measure(page: Page): Promise<PlaygroundState & { seconds: number }> {
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('ready'));
  const start = Date.now();
  await page.click('#train');
  await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { ebmPlayground: PlaygroundState }).ebmPlayground.status), undefined, {
    timeout: 600_000,
    polling: 500,
  });
  const state = await page.evaluate(() => (window as unknown as { ebmPlayground: PlaygroundState }).ebmPlayground);
  return { ...state, seconds: (Date.now() - start) / 1000 };
}

it('measures steps/s per backend', async () => {
  const rows: string[] = [];
  for (const { backend, steps, isolated } of RUNS) {
    const context = await browser.newContext();
    const origin = servers[isolated ? 'isolated' : 'plain'].origin;
    const { page, errors } = await openRecordingPage(context, `${origin}/?backend=${backend}&steps=${steps}`);
    const state = await measure(page);
    const label = `${backend}${backend === 'wasm' ? (isolated ? ' (isolated, threaded build)' : ' (not isolated)') : ''}`;
    rows.push(
      `${label.padEnd(30)} ${String(steps).padStart(5)} steps  ${state.trainStepsPerSecond!.toFixed(2).padStart(7)} steps/s training  ` +
        `${(steps / state.seconds).toFixed(2).padStart(7)} steps/s with views and NLL  threads ${state.threads}${errors.length ? `  ERRORS ${errors.join(' | ')}` : ''}`,
    );
    await context.close();
  }
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  console.log(`Playground default recipe in Chromium ${browser.version()}:\n${rows.join('\n')}\n${load}`);
});
