/**
 * The one entry point to the data layer: formats register by extension and content sniffing;
 * callers ask for `inspectFile` ("what is in this file") or `openRecording`.
 */
import { open as openFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FileInfo } from '../../shared/domain/recording.js';
import { DataError, type FormatReader, type OpenOptions, type Recording } from './types.js';
import { csvReader } from './formats/csv.js';
import { hdf5Reader } from './formats/hdf5.js';
import { matReader } from './formats/mat.js';
import { npyReader } from './formats/npy.js';
import { npzReader } from './formats/npz.js';
import { suite2pReader } from './formats/suite2p.js';

/** Order matters for sniffing: a Suite2p folder (or its F.npy) before a plain .npy. */
const readers: FormatReader[] = [suite2pReader, npyReader, npzReader, matReader, hdf5Reader, csvReader];

export function registerFormat(reader: FormatReader): void {
  if (readers.some((r) => r.id === reader.id)) throw new Error(`format '${reader.id}' is registered twice`);
  readers.push(reader);
}

export function formats(): readonly FormatReader[] {
  return readers;
}

async function head(path: string): Promise<Uint8Array> {
  const fh = await openFile(path, 'r');
  try {
    const buf = new Uint8Array(512);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Finds the reader for a path: content sniffing first, then the extension. */
export async function readerFor(path: string): Promise<FormatReader> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DataError(path, '', 'file not found');
  }
  const bytes = info.isDirectory() ? new Uint8Array(0) : await head(path);
  const sniffed = readers.find((r) => r.sniff(bytes, path));
  if (sniffed) return sniffed;
  const ext = extname(path).toLowerCase();
  const byExt = readers.find((r) => r.extensions.includes(ext));
  if (byExt) return byExt;
  const known = [...new Set(readers.flatMap((r) => r.extensions))].join(', ');
  throw new DataError(path, '', `unrecognised format (expected one of ${known})`);
}

/** File-system failures (permissions, a file removed meanwhile) become DataErrors too; anything else is a bug and stays as it is. */
async function guarded<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new DataError(path, '', `cannot read the file (${code}: ${(e as Error).message})`);
    throw e;
  }
}

export async function inspectFile(path: string): Promise<FileInfo> {
  return guarded(path, async () => (await readerFor(path)).inspect(path));
}

export async function openRecording(path: string, options: OpenOptions = {}): Promise<Recording> {
  return guarded(path, async () => (await readerFor(path)).open(path, options));
}
