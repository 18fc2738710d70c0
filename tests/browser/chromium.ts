/**
 * Debian's Chromium driven by playwright-core (no browser download works on the CI machines):
 * finds `chromium`, installing it with apt-get when missing and running as root (CI runs as root
 * on a fresh Debian machine), and launches it headless with the flags that make it work offline
 * (no background networking) and give it WebGL and WebGPU on SwiftShader (the CPU).
 */
import { execFileSync } from 'node:child_process';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

/** The path of the chromium executable, installed with apt-get if needed and possible. */
export function chromiumPath(): string {
  const find = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  let path = find();
  if (path === '' && process.getuid?.() === 0) {
    console.log("Installing Debian's chromium with apt-get (once per machine)...");
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'], { stdio: 'inherit' });
    path = find();
  }
  if (path === '') {
    throw new Error('The browser tests need Chromium: install it (Debian: `sudo apt-get install chromium`) or run them as root, which installs it.');
  }
  return path;
}

/** Chromium flags: headless without a sandbox (root), offline, and SwiftShader for WebGL and WebGPU. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL on SwiftShader (DESIGN.md: measured browser facts).
  '--use-gl=swiftshader',
  '--enable-unsafe-swiftshader',
  // WebGPU on SwiftShader's Vulkan (slow, but real WebGPU).
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}

/** Opens `url` in a new page of `browser` (or a context) that records console errors and uncaught exceptions in `errors`. */
export async function openRecordingPage(browser: Browser | BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return { page, errors };
}

/**
 * Waits until the page has set `window.result` (a page's script reports that way) and returns it.
 * A page may also set `window.progress` (what it is doing now): a timeout names it, so a page that
 * hangs says where.
 */
export async function pageResult<T>(page: Page, timeout: number): Promise<T> {
  try {
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout });
  } catch (error) {
    const progress = await page.evaluate(() => (window as unknown as { progress?: unknown }).progress).catch(() => 'unreadable');
    throw new Error(`the page set no result within ${timeout} ms; its last progress: ${String(progress ?? 'none reported')}`, { cause: error });
  }
  return (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as T;
}
