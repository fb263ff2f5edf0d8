/**
 * The modules a pool has open, by handle: what `InlinePool` and `Scheduler`
 * both need to register a module, find it again with the right error for a
 * handle that is released or not theirs, and release it.
 */
import { PoolErrors } from './errors.js';
import type { EnvHandle } from './pool.js';

export interface ReleasableHandle extends EnvHandle {
  released: boolean;
}

export class OpenModules<M extends ReleasableHandle> {
  private readonly byId = new Map<string, M>();

  /** `isOwn` tells this pool's handles from others (only those can say "released"). */
  constructor(private readonly isOwn: (handle: EnvHandle) => handle is M) {}

  add(module: M): M {
    this.byId.set(module.envId, module);
    return module;
  }

  /** The open module behind `handle`, or the PoolError to reject with. */
  lookup(handle: EnvHandle): M | Error {
    const module = this.byId.get(handle.envId);
    if (module !== undefined && module === handle) return module;
    const released = this.isOwn(handle) && handle.released;
    return released ? PoolErrors.released(handle.envId) : PoolErrors.unknownEnv(handle.envId);
  }

  /** Marks the module released and forgets it; undefined when `handle` is not open here. */
  release(handle: EnvHandle): M | undefined {
    const module = this.byId.get(handle.envId);
    if (module === undefined || module !== handle) return undefined;
    module.released = true;
    this.byId.delete(module.envId);
    return module;
  }

  values(): M[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
  }
}
