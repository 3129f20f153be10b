/**
 * A sampled content hash: size, the first and last 64 KiB and 14 evenly spaced 64 KiB blocks,
 * hashed with SHA-256. Cheap on files of any size, and catches edits that keep size and mtime in
 * practice. Folders (Suite2p output) hash their files' names and sampled hashes.
 */
import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const BLOCK = 64 * 1024;
const INNER_BLOCKS = 14;

async function hashFile(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const h = createHash('sha256');
    h.update(`size:${size};`);
    const offsets = new Set<number>([0, Math.max(0, size - BLOCK)]);
    for (let i = 1; i <= INNER_BLOCKS; i++) offsets.add(Math.floor((size * i) / (INNER_BLOCKS + 1)));
    const buf = Buffer.alloc(BLOCK);
    for (const offset of [...offsets].sort((a, b) => a - b)) {
      const { bytesRead } = await fh.read(buf, 0, BLOCK, offset);
      h.update(`@${offset}:`);
      h.update(buf.subarray(0, bytesRead));
    }
    return h.digest('hex');
  } finally {
    await fh.close();
  }
}

export async function sampledHash(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isDirectory()) return `sha256-sampled:${await hashFile(path)}`;
  const h = createHash('sha256');
  const entries = (await readdir(path, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  for (const name of entries) h.update(`${name}=${await hashFile(join(path, name))};`);
  return `sha256-sampled-dir:${h.digest('hex')}`;
}

/** Size and modification time of a file, or of the newest file in a folder. */
export async function fileStamp(path: string): Promise<{ size: number; mtimeMs: number }> {
  const info = await stat(path);
  if (!info.isDirectory()) return { size: info.size, mtimeMs: info.mtimeMs };
  let size = 0;
  let mtimeMs = info.mtimeMs;
  for (const e of await readdir(path, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const s = await stat(join(path, e.name));
    size += s.size;
    mtimeMs = Math.max(mtimeMs, s.mtimeMs);
  }
  return { size, mtimeMs };
}
