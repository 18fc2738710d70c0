/**
 * `@ebm/datasets/node`: the loaders that read files from a path (Node only): the digits shipped
 * with this package and IDX (MNIST-format) files on disk. `@ebm/datasets` itself has the same
 * loaders for bytes and URLs, which run in browsers too.
 */
export { type LoadDigitsFileOptions, loadDigits, readIdx } from './files.js';
