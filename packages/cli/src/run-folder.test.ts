import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from './config.js';
import { CommandError } from './failures.js';
import { RunFolder, fromRunJson, toRunJson } from './run-folder.js';

const root = mkdtempSync(join(tmpdir(), 'ebm-run-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (): RunFolder => new RunFolder(join(root, `run-${counter++}`));

describe('run-file JSON', () => {
  it('keeps NaN and infinities as strings and reads them back as numbers', () => {
    const value = { nll: Number.POSITIVE_INFINITY, low: Number.NEGATIVE_INFINITY, loss: Number.NaN, mmd: 0.5, status: 'diverged' };
    expect(toRunJson(value, false)).toBe('{"nll":"Infinity","low":"-Infinity","loss":"NaN","mmd":0.5,"status":"diverged"}');
    expect(fromRunJson(toRunJson(value, true))).toEqual(value);
  });
});

describe('RunFolder', () => {
  it('tells an empty folder, a run and the remains of a run apart, and refuses the last two without --force', async () => {
    const folder = fresh();
    expect(folder.contents()).toBe('empty');
    await folder.create(validateConfig({ steps: 7 }), false);
    expect(folder.contents()).toBe('run');
    expect(() => folder.assertFree(false)).toThrow(/already holds a run \(config\.json\)\. Pass --resume to continue it, --force/);
    rmSync(folder.path('config'));
    writeFileSync(folder.path('metrics'), '');
    expect(folder.contents()).toBe('remains');
    expect(() => folder.assertFree(false)).toThrow(/already holds the remains of a run \(run files without config\.json\)\. Pass --force/);
    expect(() => folder.readConfig()).toThrow(/holds no run \(no config\.json\).*It holds the remains of a run without config\.json/);
    await folder.create(validateConfig({ steps: 8 }), true);
    expect(folder.readConfig().steps).toBe(8);
    expect(readdirSync(folder.dir)).toEqual(['config.json']);
  });

  it('reads metrics leaving out a torn last line, and names a damaged or out-of-order line', async () => {
    const folder = fresh();
    await folder.create(validateConfig({}), false);
    expect(folder.readMetrics()).toEqual({ lines: [], torn: false });
    await folder.appendMetrics({ step: 1, loss: 0.5, seconds: 0.1 });
    await folder.appendMetrics({ step: 2, loss: Number.NaN, seconds: 0.2 }, true);
    expect(folder.readMetrics()).toEqual({ lines: [{ step: 1, loss: 0.5, seconds: 0.1 }, { step: 2, loss: Number.NaN, seconds: 0.2 }], torn: false });
    writeFileSync(folder.path('metrics'), `${readFileSync(folder.path('metrics'), 'utf8')}{"step":3,"lo`);
    expect(folder.readMetrics().torn).toBe(true);
    expect(folder.readMetrics().lines.map((l) => l.step)).toEqual([1, 2]);
    // A line that parses but lacks its final newline is torn too: every complete line ends with one.
    writeFileSync(folder.path('metrics'), '{"step":1,"loss":1,"seconds":0}\n{"step":2,"loss":1,"seconds":0}');
    expect(folder.readMetrics()).toMatchObject({ torn: true, lines: [{ step: 1 }] });
    for (const [text, pattern] of [
      ['{"step":1,"loss":1,"seconds":0}\ngarbage\n{"step":3,"loss":1,"seconds":0}\n', /metrics\.jsonl is damaged at line 2 \("garbage" is not a metrics record\)/],
      ['{"step":1,"loss":1,"seconds":0}\n{"step":0,"loss":1,"seconds":0}\n', /is damaged at line 2/],
      ['{"step":2,"loss":1,"seconds":0}\n{"step":2,"loss":1,"seconds":0}\n', /is out of order at line 2 \(step 2 after step 2\)/],
    ] as const) {
      writeFileSync(folder.path('metrics'), text);
      expect(() => folder.readMetrics()).toThrow(CommandError);
      expect(() => folder.readMetrics()).toThrow(pattern);
    }
    await folder.rewriteMetrics([{ step: 1, loss: 1, seconds: 0 }]);
    expect(readFileSync(folder.path('metrics'), 'utf8')).toBe('{"step":1,"loss":1,"seconds":0}\n');
  });

  it('names a damaged config.json or summary.json and the fix', async () => {
    const folder = fresh();
    await folder.create(validateConfig({}), false);
    for (const [text, pattern, type] of [
      ['', /config\.json is damaged: Unexpected end of JSON input\. Restore it \(it holds the flags the run was trained with\), or start a new run in this folder with --force\./, CommandError],
      ['"text"', /config\.json is damaged: it holds "text", not a config object/, CommandError],
      ['{"objective": "mle"}', /config\.json is not a valid config \(edited by hand, or written by another version of ebm\): Invalid value 'mle' for --objective/, ConfigError],
    ] as const) {
      writeFileSync(folder.path('config'), text);
      expect(() => folder.readConfig()).toThrow(type);
      expect(() => folder.readConfig()).toThrow(pattern);
    }
    expect(folder.readSummary()).toBeUndefined();
    writeFileSync(folder.path('summary'), '{"nll": 3');
    expect(() => folder.readSummary()).toThrow(/summary\.json is damaged \(.*\)\. Rewrite it with `ebm eval /);
  });

  it('cleans up the leftovers of interrupted writes, and only those', async () => {
    const folder = fresh();
    await folder.create(validateConfig({}), false);
    writeFileSync(join(folder.dir, '.tmp-summary.json-1-2-3'), '{');
    mkdirSync(join(folder.dir, 'notes'));
    expect(await folder.cleanUp()).toEqual(['.tmp-summary.json-1-2-3']);
    expect(readdirSync(folder.dir).sort()).toEqual(['config.json', 'notes']);
  });
});
