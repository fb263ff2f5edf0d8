import type { FunctionBody } from '@wasmloom/binary';
import { describe, expect, it } from 'vitest';
import { Batcher, compilesInline, DEFAULT_BATCH_BYTES, INLINE_THRESHOLD_BYTES } from '../src/index.js';

const body = (index: number, size: number): FunctionBody => ({
  index,
  offset: index * 1000,
  bytes: new Uint8Array(size),
});

function collect(options: { targetBytes: number; minBytes?: number; idleSlots?: () => number }) {
  const batches: number[][] = [];
  const sizes: number[] = [];
  const batcher = new Batcher({
    ...options,
    onBatch: (batch, bytes) => {
      batches.push(batch.map((b) => b.index));
      sizes.push(bytes);
    },
  });
  return { batcher, batches, sizes };
}

describe('Batcher', () => {
  it('closes a batch once it holds the target bytes, and flushes the rest at the end', () => {
    const { batcher, batches, sizes } = collect({ targetBytes: 100 });
    for (let i = 0; i < 7; i++) batcher.add(body(i, 30));
    expect(batches).toEqual([[0, 1, 2, 3]]);
    batcher.flush();
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
    ]);
    expect(sizes).toEqual([120, 90]);
    batcher.flush();
    expect(batches).toHaveLength(2);
  });

  it('sends a body of the target size or more alone and at once, ahead of the open batch', () => {
    const { batcher, batches } = collect({ targetBytes: 100 });
    batcher.add(body(0, 10));
    batcher.add(body(1, 500));
    batcher.add(body(2, 10));
    batcher.add(body(3, 100));
    batcher.flush();
    expect(batches).toEqual([[1], [3], [0, 2]]);
  });

  it('sends every body exactly once, in arrival order within batches', () => {
    const { batcher, batches } = collect({ targetBytes: 1000 });
    const sizes = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1500);
    for (const [i, s] of sizes.entries()) batcher.add(body(i, s));
    batcher.flush();
    const seen = batches.flat();
    expect([...seen].sort((a, b) => a - b)).toEqual(sizes.map((_, i) => i));
    for (const b of batches) expect(b).toEqual([...b].sort((x, y) => x - y));
  });

  it('sends a smaller batch early while the pool has an idle worker', () => {
    let idle = 2;
    const { batcher, batches } = collect({ targetBytes: 100, minBytes: 25, idleSlots: () => idle });
    batcher.add(body(0, 10));
    batcher.add(body(1, 20)); // 30 >= 25 and a worker is idle
    expect(batches).toEqual([[0, 1]]);
    idle = 0;
    for (let i = 2; i < 6; i++) batcher.add(body(i, 20));
    expect(batches).toEqual([[0, 1]]);
    batcher.add(body(6, 20));
    expect(batches).toEqual([
      [0, 1],
      [2, 3, 4, 5, 6],
    ]);
  });

  it('has defaults: target batch size and inline threshold', () => {
    expect(DEFAULT_BATCH_BYTES).toBeGreaterThanOrEqual(16 * 1024);
    expect(compilesInline(INLINE_THRESHOLD_BYTES - 1)).toBe(true);
    expect(compilesInline(INLINE_THRESHOLD_BYTES)).toBe(false);
    expect(compilesInline(10, 5)).toBe(false);
  });
});
