import { describe, expect, it } from 'vitest';
import { BackendError, CheckpointError, EbmError, EnvironmentError, InvalidArgumentError, NonFiniteError, ShapeError } from './errors.js';

describe('error classes', () => {
  const cases = [
    ['EbmError', () => new EbmError('m'), EbmError],
    ['InvalidArgumentError', () => new InvalidArgumentError('stepSize', 'm'), InvalidArgumentError],
    ['ShapeError', () => new ShapeError('x', 'm'), ShapeError],
    ['NonFiniteError', () => new NonFiniteError('data', 'm'), NonFiniteError],
    ['BackendError', () => new BackendError('m'), BackendError],
    ['CheckpointError', () => new CheckpointError('m'), CheckpointError],
    ['EnvironmentError', () => new EnvironmentError('m'), EnvironmentError],
  ] as const;

  it.each(cases)('%s has its literal name (on the prototype, not enumerable) and is an EbmError', (name, make, errorClass) => {
    const error = make();
    expect(error.name).toBe(name);
    expect(errorClass.prototype.name).toBe(name);
    expect(Object.keys(error)).not.toContain('name');
    expect(error).toBeInstanceOf(EbmError);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  it('prefixes argument errors with the argument and keeps it', () => {
    const error = new ShapeError('position', 'must be [N, D].');
    expect(error.argument).toBe('position');
    expect(error.message).toBe('position: must be [N, D].');
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('a subclass written by a plugin keeps the name of the @ebm class it extends unless it sets its own', () => {
    class PluginError extends InvalidArgumentError {}
    expect(new PluginError('a', 'b').name).toBe('InvalidArgumentError');
  });
});
