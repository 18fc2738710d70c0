/**
 * A fresh Vite project on the packed tarballs (see README.md): pack, install with npm, build with
 * no config, serve with `vite preview`, run in Chromium, check the result.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ebm-fresh-vite-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(join(app, 'src'), { recursive: true });
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

// 1. Pack every library package (those with a browser bundle).
const dependencies = {};
for (const dir of readdirSync(join(root, 'packages'))) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  if (manifest.unpkg === undefined) continue;
  run('npx', ['-y', 'pnpm@10.34.8', 'pack', '--pack-destination', tarballs], join(root, 'packages', dir));
  dependencies[manifest.name] = `file:../tarballs/${manifest.name.slice(1).replace('/', '-')}-${manifest.version}.tgz`;
}

// 2. The project: package.json, index.html, src/main.js; no vite.config.
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'fresh-vite-ebm',
      private: true,
      type: 'module',
      scripts: { build: 'vite build', preview: 'vite preview' },
      dependencies: { ...dependencies, '@tensorflow/tfjs': '4.22.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' },
      devDependencies: { vite: '^8.4.0', 'playwright-core': '^1.65.1' },
      // The packed @ebm packages depend on each other by version: resolve those to the tarballs too.
      overrides: Object.fromEntries(Object.keys(dependencies).map((name) => [name, `$${name}`])),
    },
    null,
    2,
  ),
);
writeFileSync(join(app, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>fresh</title></head><body><script type="module" src="/src/main.js"></script></body></html>\n');
copyFileSync(join(here, 'main.js'), join(app, 'src/main.js'));
copyFileSync(join(here, 'check.mjs'), join(app, 'check.mjs'));

// 3. Install and build.
let start = performance.now();
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
console.log(`npm install: ${((performance.now() - start) / 1000).toFixed(1)} s`);
start = performance.now();
const buildLog = run('npx', ['vite', 'build'], app);
console.log(buildLog.split('\n').filter((line) => /dist\/|built in|vite v/.test(line)).join('\n'));

// 4. Serve and run in Chromium.
const preview = spawn('npx', ['vite', 'preview', '--port', '4319', '--strictPort'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => preview.stdout.on('data', (chunk) => String(chunk).includes('4319') && resolve()));
let result;
try {
  const chromium = run('sh', ['-c', 'command -v chromium'], app).trim();
  result = JSON.parse(run('node', ['check.mjs', 'http://127.0.0.1:4319/', chromium], app).trim().split('\n').at(-1));
} finally {
  preview.kill();
}
console.log(JSON.stringify(result, null, 2));
console.log(`screenshot: ${join(app, 'result.png')}`);

// 5. Check.
const failures = [];
if (result.error) failures.push(`the page threw: ${result.error}`);
if (result.errors.length > 0) failures.push(`console errors: ${result.errors.join(' | ')}`);
for (const r of result.runs ?? []) {
  if (!(r.last < r.first)) failures.push(`${r.backend}: the loss did not fall (${r.first} -> ${r.last})`);
  if (r.saved !== 60) failures.push(`${r.backend}: the IndexedDB checkpoint is at ${r.saved}, not 60`);
}
if ((result.runs ?? []).map((r) => r.backend).join() !== 'webgl,wasm,cpu') failures.push(`backends run: ${(result.runs ?? []).map((r) => r.backend)}`);
if (result.names?.[3] !== 'ShapeError') failures.push(`minified error name: ${result.names?.[3]}`);
if (!/runs only in Node/.test(result.nodeOnly ?? '')) failures.push(`useBackend('tensorflow'): ${result.nodeOnly}`);
if (result.digits?.join() !== '1797,64') failures.push(`digits: ${result.digits}`);
if (failures.length > 0) {
  console.error(`FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('OK: the fresh Vite project builds and runs every package with no extra config.');
