// freeRecord (sync-service.ts) [Note: Records freed at once]: a request body's piece whose
// bytes were copied into held memory is freed at once when it is its buffer's whole
// allocation (what Node's HTTP parser hands over per TLS record), and left alone when it
// is a view into something larger — a piece an upload batch cut out of a record, a slice of
// Node's shared pool — whose other bytes someone may still read.
import { describe, expect, it } from 'vitest';
import { freeRecord } from '../../../main/core/devices/sync-service';

describe('freeRecord', () => {
  it('frees a piece that is its whole buffer (a record from the HTTP parser)', () => {
    const record = Buffer.from(new ArrayBuffer(16384));
    record.fill(7);
    const copy = Buffer.from(record);
    freeRecord(record);
    expect(record.buffer.byteLength).toBe(0); // detached: the memory is gone
    expect(record.length).toBe(0);
    expect(copy.every((x) => x === 7)).toBe(true); // what was copied before is untouched
  });

  it('leaves views into larger memory alone: their neighbours stay readable', () => {
    const record = Buffer.from(new ArrayBuffer(16384)).fill(3);
    const head = record.subarray(0, 100);
    const tail = record.subarray(100);
    freeRecord(head);
    freeRecord(tail);
    expect(record.length).toBe(16384);
    expect(tail[0]).toBe(3);
    const pooled = Buffer.from('a small string from the shared pool');
    const neighbour = Buffer.from('another one');
    freeRecord(pooled);
    expect(pooled.toString()).toBe('a small string from the shared pool');
    expect(neighbour.toString()).toBe('another one');
  });

  it('leaves shared memory alone (held files are received into it)', () => {
    const held = Buffer.from(new SharedArrayBuffer(1024)).fill(5);
    freeRecord(held);
    expect(held.length).toBe(1024);
    expect(held[0]).toBe(5);
  });
});
