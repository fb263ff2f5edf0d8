import { describe, expect, it } from 'vitest';
import { CompileError, LinkError, RuntimeError } from '../src/errors.js';

describe('CompileError, LinkError, RuntimeError', () => {
  for (const [C, name] of [
    [CompileError, 'CompileError'],
    [LinkError, 'LinkError'],
    [RuntimeError, 'RuntimeError'],
  ] as const) {
    it(`${name} is shaped like the native one`, () => {
      const e = new C('boom');
      expect(e).toBeInstanceOf(C);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect(e.message).toBe('boom');
      expect(String(e)).toBe(`${name}: boom`);
      expect(Object.prototype.toString.call(e)).toBe('[object Error]');
      expect(typeof e.stack).toBe('string');
      expect(Object.hasOwn(e, 'name')).toBe(false);
      // Callable without new, like NativeError constructors.
      expect(C('x')).toBeInstanceOf(C);
      expect(new C('y', { cause: 1 }).cause).toBe(1);
      expect(new C().message).toBe('');
      expect(Object.hasOwn(new C(), 'message')).toBe(false);
      expect(C.name).toBe(name);
      expect(C.length).toBe(1);
      expect(Object.getPrototypeOf(C)).toBe(Error);
      expect(Object.getOwnPropertyDescriptor(C.prototype, 'name')).toMatchObject({
        enumerable: false,
        writable: true,
      });
      class Sub extends (C as unknown as ErrorConstructor) {}
      expect(new Sub('z')).toBeInstanceOf(C);
      expect(new Sub('z')).toBeInstanceOf(Sub);
    });
  }
  it('are distinct', () => {
    expect(new LinkError('x')).not.toBeInstanceOf(RuntimeError);
  });
});
