/**
 * This package's version (kept equal to package.json's by a test). A shared
 * or cached module carries it: generated code calls the runtime of the build
 * that compiled it, so a module is only accepted by the same version.
 */
export const VERSION = '0.1.0';
