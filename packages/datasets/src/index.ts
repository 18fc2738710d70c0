/** `@ebm/datasets`: data sets for @ebm. */
export { DIGITS_COUNT, DIGITS_MAX_VALUE, DIGITS_PIXELS, type Digits, type LoadDigitsOptions, loadDigits, parseDigitsCsv } from './digits.js';
export { type IdxData, type IdxType, parseIdx, readIdx } from './idx.js';
