/**
 * The parts of ZIP that .npz needs, read from disk without loading the archive: the central
 * directory (zip64 included: NumPy always writes zip64 headers), each member's data offset, and
 * members' bytes (stored as is, deflated through fflate). A stored member can be sliced in place.
 */
import { open as openFile } from 'node:fs/promises';
import { Inflate, inflateSync } from 'fflate';
import { readAt } from './read-at.js';
import { DataError } from './types.js';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(v: DataView, at: number): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`64-bit size ${n} is absurd`);
  return Number(n);
}

export async function listZip(path: string): Promise<ZipEntry[]> {
  const fh = await openFile(path, 'r');
  try {
    const { size } = await fh.stat();
    const fail = (problem: string): never => {
      throw new DataError(path, '', problem);
    };
    // The end record sits in the last 22 bytes plus a comment of up to 64 KiB.
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fh, size - tailLen, tailLen);
    const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tv.getUint32(i, true) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) fail('not a ZIP archive (end of central directory record not found)');
    let count = tv.getUint16(at + 10, true);
    let cdSize = tv.getUint32(at + 12, true);
    let cdOffset = tv.getUint32(at + 16, true);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = at - 20;
      if (loc < 0 || tv.getUint32(loc, true) !== EOCD64_LOCATOR) fail('zip64 end locator missing');
      const eocd64At = u64(tv, loc + 8);
      const rec = await readAt(fh, eocd64At, 56);
      const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      if (rec.length < 56 || rv.getUint32(0, true) !== EOCD64) fail(`zip64 end record not found at offset ${eocd64At}`);
      count = u64(rv, 32);
      cdSize = u64(rv, 40);
      cdOffset = u64(rv, 48);
    }
    if (cdOffset + cdSize > size) fail(`central directory [${cdOffset}, ${cdOffset + cdSize}) lies beyond the file end ${size}`);
    if (cdSize > 64 << 20) fail(`central directory of ${cdSize} bytes is absurd for an .npz`);
    const cd = await readAt(fh, cdOffset, cdSize);
    const v = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || v.getUint32(p, true) !== CENTRAL) fail(`central directory entry ${k} is damaged`);
      const method = v.getUint16(p + 10, true);
      let compressedSize = v.getUint32(p + 20, true);
      let usize = v.getUint32(p + 24, true);
      const nameLen = v.getUint16(p + 28, true);
      const extraLen = v.getUint16(p + 30, true);
      const commentLen = v.getUint16(p + 32, true);
      let localHeaderOffset = v.getUint32(p + 42, true);
      if (p + 46 + nameLen + extraLen > cd.length) fail(`central directory entry ${k} runs past the directory`);
      const name = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLen));
      // Zip64 extra field: the 64-bit values, in order, of those fields set to 0xFFFFFFFF.
      for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
        const id = v.getUint16(e, true);
        const len = v.getUint16(e + 2, true);
        if (id === 0x0001) {
          let q = e + 4;
          if (usize === 0xffffffff && q + 8 <= e + 4 + len) {
            usize = u64(v, q);
            q += 8;
          }
          if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) {
            compressedSize = u64(v, q);
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + len) localHeaderOffset = u64(v, q);
        }
        e += 4 + len;
      }
      if (localHeaderOffset + compressedSize > size)
        fail(`member '${name}' [${localHeaderOffset}, +${compressedSize}) lies beyond the file end ${size}`);
      entries.push({ name, method, compressedSize, size: usize, localHeaderOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** File offset of a member's first data byte (after its local header). */
export async function dataOffset(path: string, entry: ZipEntry): Promise<number> {
  const fh = await openFile(path, 'r');
  try {
    const h = await readAt(fh, entry.localHeaderOffset, 30);
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    if (h.length < 30 || v.getUint32(0, true) !== LOCAL)
      throw new DataError(path, entry.name, `local header not found at offset ${entry.localHeaderOffset}`);
    return entry.localHeaderOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
  } finally {
    await fh.close();
  }
}

function checkMethod(path: string, entry: ZipEntry): void {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new DataError(path, entry.name, `compression method ${entry.method} is not supported (expected stored or deflated)`);
  }
}

/** A member's bytes, inflated. */
export async function readEntry(path: string, entry: ZipEntry): Promise<Uint8Array> {
  checkMethod(path, entry);
  const start = await dataOffset(path, entry);
  const fh = await openFile(path, 'r');
  try {
    const raw = await readAt(fh, start, entry.compressedSize);
    if (raw.length < entry.compressedSize)
      throw new DataError(path, entry.name, `truncated: expected ${entry.compressedSize} bytes, found ${raw.length}`);
    if (entry.method === 0) return raw;
    // Deflate cannot expand more than ~1032:1; a larger stated size is a damaged header.
    if (entry.size > raw.length * 1100 + 1024)
      throw new DataError(path, entry.name, `stated size ${entry.size} is impossible for ${raw.length} compressed bytes`);
    try {
      return inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      throw new DataError(path, entry.name, `deflate stream is damaged: ${(e as Error).message}`);
    }
  } finally {
    await fh.close();
  }
}

/** The first `want` bytes of a member (a .npy header), inflating only as much as needed. */
export async function readEntryHead(path: string, entry: ZipEntry, want: number): Promise<Uint8Array> {
  checkMethod(path, entry);
  const start = await dataOffset(path, entry);
  const fh = await openFile(path, 'r');
  try {
    if (entry.method === 0) return await readAt(fh, start, Math.min(want, entry.compressedSize));
    const parts: Uint8Array[] = [];
    let got = 0;
    const inflate = new Inflate((chunk) => {
      parts.push(chunk);
      got += chunk.length;
    });
    for (let off = 0; off < entry.compressedSize && got < want; off += 1 << 16) {
      const chunk = await readAt(fh, start + off, Math.min(1 << 16, entry.compressedSize - off));
      try {
        inflate.push(chunk, off + chunk.length >= entry.compressedSize);
      } catch (e) {
        throw new DataError(path, entry.name, `deflate stream is damaged: ${(e as Error).message}`);
      }
      if (chunk.length === 0) break;
    }
    const out = new Uint8Array(Math.min(want, got));
    let o = 0;
    for (const part of parts) {
      if (o >= out.length) break;
      out.set(part.subarray(0, out.length - o), o);
      o += part.length;
    }
    return out;
  } finally {
    await fh.close();
  }
}
