/**
 * `import 'wasmloom/comlink'` registers a comlink transfer handler, so that
 * wasmloom Modules pass through comlink calls (arguments and results) as
 * Modules: the other side gets a real `WebAssembly.Module` of wasmloom's
 * default namespace, which instantiates without compiling.
 *
 *   // main thread
 *   import 'wasmloom/comlink';
 *   const api = wrap<WorkerApi>(worker);
 *   await api.run(await WebAssembly.compile(bytes));
 *   // worker
 *   import 'wasmloom/comlink';
 *   expose({ async run(module) { const instance = await WebAssembly.instantiate(module, imports); … } });
 *
 * Both sides must register it (import this module on both). With several
 * copies of comlink in one program, register with the copy that makes the
 * calls: `registerModuleTransfer(transferHandlers)`. comlink's API is
 * re-exported from here, so that a page loading wasmloom's browser build
 * (dist-browser/comlink.js) uses the same comlink as the handler.
 */
import { type TransferHandler, transferHandlers } from 'comlink';
import { WebAssembly } from './index.js';
import { isModule, moduleState } from './module.js';
import { adoptModule } from './share.js';
import { SHARED_KEY, sharedValue } from './shared-form.js';
import type { Module, ModuleConstructor } from './types.js';

export * from 'comlink';

/** The handler's name in comlink's `transferHandlers`. */
export const MODULE_TRANSFER_HANDLER = 'wasmloom.module';

/** The comlink transfer handler for Modules; received modules are instances of `Module`. */
export function moduleTransferHandler(
  Module: ModuleConstructor = WebAssembly.Module,
): TransferHandler<Module, Map<string, unknown>> {
  return {
    canHandle: (value: unknown): value is Module => isModule(value),
    // No transfer list: the packed form is kept for the next send (its bytes are copied, a few MB at most).
    serialize: (module: Module) => [sharedValue(moduleState(module, 'comlink').code), []],
    deserialize: (value: Map<string, unknown>) => adoptModule({ [SHARED_KEY]: value }, Module),
  };
}

/** Registers the handler with `handlers` (by default this comlink's `transferHandlers`). */
export function registerModuleTransfer(
  handlers: Map<string, TransferHandler<unknown, unknown>> = transferHandlers,
  Module?: ModuleConstructor,
): void {
  handlers.set(MODULE_TRANSFER_HANDLER, moduleTransferHandler(Module) as TransferHandler<unknown, unknown>);
}

registerModuleTransfer();
