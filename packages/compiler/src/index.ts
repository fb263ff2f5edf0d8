export { compileFunction, type SplitLimits, validateFunction } from './compile-function.js';
