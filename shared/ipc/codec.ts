/**
 * Binary framing for the WebSocket transport: a JSON document plus typed-array attachments, so
 * large arrays cross as raw bytes rather than JSON numbers. (Electron IPC uses structured clone,
 * which carries typed arrays natively and needs none of this.)
 *
 * Frame: u32 jsonLength | u32 count | u32 byteLength × count | json | (pad to 8) attachments, each padded to 8.
 */
import type { TypedArray } from '../domain/ndarray.js';

const TYPED = {
  Float32Array,
  Float64Array,
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED;

interface Ref {
  $typed: TypedName;
  $i: number;
}

const pad8 = (n: number) => (n + 7) & ~7;

function typedName(value: unknown): TypedName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name as TypedName;
  return name in TYPED ? name : null;
}

export function encodeFrame(value: unknown): Uint8Array {
  const attachments: TypedArray[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    const name = typedName(v);
    if (name) {
      attachments.push(v as TypedArray);
      return { $typed: name, $i: attachments.length - 1 } satisfies Ref;
    }
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    return v;
  });
  const jsonBytes = new TextEncoder().encode(json ?? 'null');
  const headerLen = 8 + 4 * attachments.length;
  let total = pad8(headerLen + jsonBytes.length);
  for (const a of attachments) total += pad8(a.byteLength);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, jsonBytes.length, true);
  view.setUint32(4, attachments.length, true);
  attachments.forEach((a, i) => view.setUint32(8 + 4 * i, a.byteLength, true));
  out.set(jsonBytes, headerLen);
  let offset = pad8(headerLen + jsonBytes.length);
  for (const a of attachments) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += pad8(a.byteLength);
  }
  return out;
}

export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 8) throw new Error('frame too short');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const jsonLen = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  const headerLen = 8 + 4 * count;
  if (headerLen + jsonLen > frame.byteLength) throw new Error('frame header does not fit the frame');
  const lengths = Array.from({ length: count }, (_, i) => view.getUint32(8 + 4 * i, true));
  const buffers: ArrayBuffer[] = [];
  let offset = pad8(headerLen + jsonLen);
  for (const len of lengths) {
    if (offset + len > frame.byteLength) throw new Error('attachment does not fit the frame');
    // Copy: the frame may be a pooled buffer at an unaligned offset.
    buffers.push(frame.slice(offset, offset + len).buffer);
    offset += pad8(len);
  }
  const json = new TextDecoder().decode(frame.subarray(headerLen, headerLen + jsonLen));
  return JSON.parse(json, (_key, v: unknown) => {
    if (v && typeof v === 'object') {
      const ref = v as Partial<Ref> & { $bigint?: string };
      if (typeof ref.$typed === 'string' && typeof ref.$i === 'number') {
        const Ctor = TYPED[ref.$typed];
        const buf = buffers[ref.$i];
        if (!Ctor || !buf) throw new Error('bad attachment reference');
        return new Ctor(buf);
      }
      if (typeof ref.$bigint === 'string') return BigInt(ref.$bigint);
    }
    return v;
  });
}
