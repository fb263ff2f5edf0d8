/** The WASI preview1 host `wasmloom run` gives programs. */
export { NotACommandError, WasiExit, type WasiOptions, type WasiOutput, WasiPreview1 } from './preview1.js';
