// Opens the fresh project's preview in Debian's Chromium and prints window.result as JSON (copied into the project).
import { chromium } from 'playwright-core';

const [url, executablePath] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-gl=swiftshader', '--enable-unsafe-swiftshader'],
});
const page = await browser.newPage();
const errors = [];
page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
page.on('pageerror', (error) => errors.push(String(error)));
await page.goto(url);
await page.waitForFunction(() => window.result !== undefined, undefined, { timeout: 300_000 });
const result = await page.evaluate(() => window.result);
await page.screenshot({ path: 'result.png', fullPage: true });
await browser.close();
console.log(JSON.stringify({ ...result, errors }));
