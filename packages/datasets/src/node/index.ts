/**
 * `@ebm/datasets/node`: the parts of @ebm/datasets that read the file system (Node only).
 * Browser code decodes the same files from bytes with `decodeMnist` of `@ebm/datasets`.
 */
export { loadImageFolder } from './image-folder.js';
