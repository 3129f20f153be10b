/**
 * NumPy .npz archives. Only the central directory and each member's .npy header are read at open;
 * stored members are then sliced in place on disk like a .npy, deflated ones are inflated on first
 * use. Archives that look like CaImAn results are handed to the CaImAn reader.
 */
import { stat } from 'node:fs/promises';
import type { FileObject } from '../../../shared/domain/recording.js';
import { isNpy, parseNpyHeader, type NpyHeader } from '../npy.js';
import { loadNpyBytes } from '../pickle.js';
import { memoryRecording } from '../recording.js';
import { DataError, type FormatReader, type OpenOptions, type Recording } from '../types.js';
import { dataOffset, listZip, readEntry, readEntryHead, type ZipEntry } from '../zip.js';
import { guessLayout, openNpyMatrix } from './npy.js';
import { describeCaimanNpz, isCaimanNpz, openCaimanNpz } from './caiman.js';

export interface NpzMember {
  entry: ZipEntry;
  /** Member name without '.npy'. */
  name: string;
  /** Numeric header, or undefined for a pickled object array. */
  header?: NpyHeader;
  shape: number[];
  descr: string;
}

/** Members and their headers; a member that is no .npy is reported, not fatal. */
export async function npzMembers(path: string): Promise<{ members: NpzMember[]; notes: string[] }> {
  const members: NpzMember[] = [];
  const notes: string[] = [];
  for (const entry of await listZip(path)) {
    const name = entry.name.replace(/\.npy$/, '');
    let head = await readEntryHead(path, entry, 4096);
    if (head.length < 12 || !isNpy(head)) {
      notes.push(`${entry.name}: not a NumPy array (no .npy header)`);
      continue;
    }
    const len = head[6] === 1 ? 10 + (head[8] | (head[9] << 8)) : 12 + new DataView(head.buffer, head.byteOffset).getUint32(8, true);
    if (len > head.length && len <= (1 << 20) + 12) head = await readEntryHead(path, entry, len);
    const text = new TextDecoder('latin1').decode(head.subarray(0, Math.min(head.length, len)));
    if (/'descr'\s*:\s*'\|O'/.test(text)) {
      const shape = (/'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number);
      members.push({ entry, name, shape, descr: '|O' });
      continue;
    }
    try {
      const header = parseNpyHeader(head, path, entry.name);
      members.push({ entry, name, header, shape: header.shape, descr: header.descr });
    } catch (e) {
      notes.push(`${entry.name}: ${(e as DataError).problem ?? (e as Error).message}`);
    }
  }
  return { members, notes };
}

/** A member's whole contents: numbers or unpickled objects. */
export async function loadMember(path: string, member: NpzMember): Promise<ReturnType<typeof loadNpyBytes>> {
  return loadNpyBytes(await readEntry(path, member.entry), path, member.entry.name);
}

/** A 2-D numeric member as a recording: sliced on disk when stored, inflated on first read when deflated. */
export async function openMemberMatrix(path: string, member: NpzMember, options: OpenOptions, format: string): Promise<Recording> {
  const header = member.header;
  if (!header || header.shape.length !== 2) {
    throw new DataError(path, member.entry.name, `expected a 2-D numeric array, found ${member.descr} of shape [${member.shape.join(', ')}]`);
  }
  if (member.entry.method === 0) {
    const shifted = { ...header, dataOffset: header.dataOffset + (await dataOffset(path, member.entry)) };
    return openNpyMatrix(path, shifted, options, format, member.entry.name);
  }
  const base = await openNpyMatrix(path, header, options, format, member.entry.name);
  let loaded: Promise<Recording> | undefined;
  const load = async () => {
    const arr = await loadMember(path, member);
    return memoryRecording(base.meta, arr.data as ArrayLike<number>, guessLayout(header.shape, options) === 'time-first');
  };
  return {
    meta: base.meta,
    readTraces: async (neurons, frames) => (await (loaded ??= load())).readTraces(neurons, frames),
    async close() {},
  };
}

export function describeMembers(members: NpzMember[]): FileObject[] {
  return members.map((m) => {
    const matrix = m.header && m.shape.length === 2;
    return {
      path: m.entry.name,
      kind: matrix ? 'traces' : 'other',
      shape: m.shape,
      dtype: m.descr === '|O' ? 'object (pickled)' : m.descr,
      description: m.entry.method === 8 ? 'compressed' : undefined,
      uses: matrix ? ['traces', 'raster', 'analyses'] : [],
    };
  });
}

export const npzReader: FormatReader = {
  id: 'npz',
  extensions: ['.npz'],
  sniff: (head, path) => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04 && path.toLowerCase().endsWith('.npz'),
  async inspect(path) {
    const { members, notes } = await npzMembers(path);
    const { size } = await stat(path);
    if (isCaimanNpz(members)) {
      const caiman = await describeCaimanNpz(path, members);
      return { path, format: 'caiman-npz', size, objects: caiman.objects, notes: [...caiman.notes, ...notes] };
    }
    return { path, format: 'npz', size, objects: describeMembers(members), notes: [...notes, 'NumPy files carry no sampling rate: give one when adding the dataset.'] };
  },
  async open(path, options) {
    const { members } = await npzMembers(path);
    if (isCaimanNpz(members)) return openCaimanNpz(path, members, options);
    const wanted = options.object?.replace(/\.npy$/, '');
    const member = wanted !== undefined ? members.find((m) => m.name === wanted) : members.find((m) => m.header && m.shape.length === 2);
    if (!member) {
      throw new DataError(path, options.object ?? '', wanted !== undefined ? `no member '${wanted}' (members: ${members.map((m) => m.name).join(', ')})` : 'no 2-D numeric array in the archive');
    }
    return openMemberMatrix(path, member, options, 'npz');
  },
};
