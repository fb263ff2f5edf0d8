export { compileFunction, type EmitLimits, validateFunction } from './compile-function.js';
