import { describe, expect, it } from 'vitest';
import { packBodies, unpackBodies } from '../src/protocol.js';
import { constModule } from './fixtures/modules.js';

describe('packed bodies', () => {
  it('round-trip index, offset and bytes through one buffer', () => {
    const { bodies } = constModule(7, 3);
    const packed = packBodies(bodies);
    expect(packed.byteLength).toBe(4 * (1 + 3 * 7) + bodies.reduce((n, b) => n + b.bytes.length, 0));
    const back = unpackBodies(packed);
    expect(back.map((b) => [b.index, b.offset, [...b.bytes]])).toEqual(
      bodies.map((b) => [b.index, b.offset, [...b.bytes]]),
    );
    // Views of the packed buffer, not copies: transferring it moves everything.
    expect(back.every((b) => b.bytes.buffer === packed)).toBe(true);
  });

  it('packs an empty batch', () => {
    expect(unpackBodies(packBodies([]))).toEqual([]);
  });

  it('survives a transfer, leaving the sender nothing', () => {
    const packed = packBodies(constModule(2).bodies);
    const moved = structuredClone(packed, { transfer: [packed] });
    expect(packed.byteLength).toBe(0);
    expect(unpackBodies(moved)).toHaveLength(2);
  });
});
