import { afterEach, describe, expect, it, vi } from 'vitest';
import { InterruptedError } from './failures.js';
import { ignoreInterrupts, listenForInterrupts } from './interrupt.js';
import type { Io } from './io.js';

afterEach(() => vi.restoreAllMocks());

describe('listenForInterrupts', () => {
  const capture = (): Io & { text: () => string } => {
    let err = '';
    return { out: () => undefined, err: (t) => void (err += t), tty: false, text: () => err };
  };

  it.each(['SIGINT', 'SIGTERM'] as const)('the first %s aborts the signal and makes check() throw; the second exits at once with code 130', (signal) => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const io = capture();
    const interrupts = listenForInterrupts(io);
    try {
      expect(() => interrupts.check('unused')).not.toThrow();
      process.emit(signal);
      expect(interrupts.signal.aborted).toBe(true);
      expect(io.text()).toMatch(/Stopping at the next safe point \(press Ctrl-C again to stop at once\)/);
      expect(() => interrupts.check('Interrupted; nothing was written.')).toThrow(InterruptedError);
      expect(exit).not.toHaveBeenCalled();
      process.emit(signal);
      expect(exit).toHaveBeenCalledWith(130);
      expect(io.text()).toMatch(/Stopped at once\.\n$/);
    } finally {
      interrupts.dispose();
    }
  });

  it('dispose() removes the listeners; ignoreInterrupts() never fires', () => {
    const before = process.listenerCount('SIGINT');
    const interrupts = listenForInterrupts(capture());
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    interrupts.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
    const ignored = ignoreInterrupts();
    expect(ignored.signal.aborted).toBe(false);
    expect(() => ignored.check('x')).not.toThrow();
  });
});
