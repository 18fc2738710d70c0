/**
 * `@ebm/datasets/node`: the loaders that read files from a path (Node only): the digits shipped
 * with this package, IDX (MNIST-format) files on disk, and MNIST / Fashion-MNIST from a folder of
 * their four IDX files. `@ebm/datasets` itself has the same loaders for bytes and URLs
 * (`loadDigits({ source })`, `readIdx`, `decodeMnist`), which run in browsers too.
 */
export { type LoadDigitsFileOptions, loadDigits, readIdx } from './files.js';
export { loadImageFolder } from './image-folder.js';
