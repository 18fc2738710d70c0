/**
 * Which subpath exports of an @ebm package are meant for browsers: every code subpath (one whose
 * `exports` entry is a conditions object) except the Node-only `./node` and the test kit
 * `./testing` (and `./testing/targets`). The browser bundle (tsup.shared.ts) and the browser bundle check (tests/bundles)
 * both read this.
 */

/** Subpath exports (and the subpaths below them) that are not for browsers: Node-only code and the test kit. */
export const NOT_FOR_BROWSERS: readonly string[] = ['./node', './testing'];

/** The browser-safe code subpaths of an `exports` map, e.g. `['.', './models', './train', './math']`. */
export function browserSubpaths(exports: Readonly<Record<string, unknown>>): string[] {
  const notForBrowsers = (subpath: string) => NOT_FOR_BROWSERS.some((p) => subpath === p || subpath.startsWith(`${p}/`));
  return Object.keys(exports).filter((subpath) => typeof exports[subpath] === 'object' && !notForBrowsers(subpath));
}

/** The source file of a subpath: `.` -> `src/index.ts`, `./models` -> `src/models/index.ts`. */
export function subpathSource(subpath: string): string {
  return subpath === '.' ? 'src/index.ts' : `src/${subpath.slice(2)}/index.ts`;
}
