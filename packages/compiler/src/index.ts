export { compileFunction, validateFunction } from './compile-function.js';
