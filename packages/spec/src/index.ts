export * from './namespace.js';
export * from './providers.js';
export * from './report.js';
export * from './run-script.js';
export * from './run-suite.js';
export * from './sexpr.js';
export * from './spectest.js';
export * from './suite.js';
export * from './text-rejected.js';
export * from './trampoline.js';
export * from './values.js';
export * from './wast-commands.js';
// wast-script.js and wat.js load the WAT parser (a wasm component): import them directly.
