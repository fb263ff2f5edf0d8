import { resolveFeatures as closeFeatures, DEFAULT_FEATURES, type Features } from '@wasmloom/binary';

/**
 * A complete feature set from overrides of the defaults, closed under the
 * proposals' dependencies (as the parser applies them). Unknown names and
 * non-boolean values are a TypeError (typos).
 */
export function resolveFeatures(overrides: Partial<Features> | undefined): Readonly<Features> {
  if (overrides === undefined || overrides === null) return Object.freeze(closeFeatures());
  if (typeof overrides !== 'object') throw new TypeError('createWebAssembly: `features` must be an object');
  for (const [name, on] of Object.entries(overrides)) {
    if (!Object.hasOwn(DEFAULT_FEATURES, name)) {
      throw new TypeError(
        `createWebAssembly: unknown feature "${name}" (known: ${Object.keys(DEFAULT_FEATURES).join(', ')})`,
      );
    }
    if (on !== undefined && typeof on !== 'boolean') {
      throw new TypeError(`createWebAssembly: feature "${name}" must be a boolean`);
    }
  }
  return Object.freeze(closeFeatures(overrides));
}
