/** Types of fault-harness.mjs (see its comments). */
export interface Fault {
  readonly op: string | readonly string[];
  readonly target: string;
  readonly fault: 'kill' | 'ENOSPC' | 'EROFS' | 'EACCES' | 'EIO';
  readonly nth?: number;
  readonly partial?: boolean;
  readonly persist?: boolean;
}
export interface RunOptions {
  readonly fault?: Fault;
  readonly killAfterMs?: number;
  readonly interruptOn?: { readonly stdout: RegExp; readonly count: number };
  readonly env?: Readonly<Record<string, string>>;
  readonly resumeArgs?: readonly string[];
}
export interface EbmResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}
export interface RunResult {
  readonly checkpoint: { readonly step: number; readonly manifestStep: number; readonly key: readonly number[]; readonly tensors: string | undefined };
  readonly checkpoints: readonly string[];
  readonly leftovers: readonly string[];
  readonly metrics: readonly Record<string, unknown>[];
  readonly summary: Record<string, unknown> | undefined;
  readonly pictures: { readonly density: string | undefined; readonly loss: string | undefined };
}
export const EBM_BIN: string;
export const INJECT_FS: string;
export const TINY_RUN: readonly string[];
export function runEbm(args: readonly string[], options?: RunOptions): Promise<EbmResult>;
export function errorLines(stderr: string): string[];
export function isOneClearLine(stderr: string): boolean;
export function recover(dir: string, args: readonly string[], options?: RunOptions): Promise<EbmResult>;
export function snapshot(dir: string): Record<string, string>;
export function runResult(dir: string): RunResult;
