// A comlink worker: with wasmloom/comlink on both sides, modules cross as
// real WebAssembly.Module objects, in both directions. The engine is chosen
// (`?engine=`) before wasmloom loads; "ready" is posted once comlink listens.
import { useEngine } from '/engine.js';

const loom = await useEngine(new URL(import.meta.url).searchParams.get('engine'));
const { expose } = await import('/wasmloom/comlink.js');
expose({
  describe(module) {
    return {
      isModule: module instanceof WebAssembly.Module,
      exports: WebAssembly.Module.exports(module).length,
      stats: loom?.moduleStats() ?? null,
    };
  },
  /** A module compiled here, returned to the page. */
  compileTiny() {
    return WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  },
});
postMessage('ready');
