/** A 2-D .npy matrix as a recording (neurons × frames, or frames × neurons with `layout`). */
import { open as openFile, readFile, stat } from 'node:fs/promises';
import type { FileInfo } from '../../../shared/domain/recording.js';
import { isNpy, readNpyHeader, readNpyMatrix, type NpyHeader } from '../npy.js';
import { item, loadNpyBytes, PickledArray } from '../pickle.js';
import { checkRange } from '../recording.js';
import { DataError, type FormatReader, type OpenOptions, type Recording } from '../types.js';

/** Recordings have more frames than neurons almost always: the longer axis is time. */
export function guessLayout(shape: readonly number[], options: OpenOptions): 'neurons-first' | 'time-first' {
  if (options.layout) return options.layout;
  return shape[0] <= shape[1] ? 'neurons-first' : 'time-first';
}

/** A recording over a 2-D .npy array; `object` names it inside a folder (Suite2p 'F.npy'). */
export async function openNpyMatrix(path: string, header: NpyHeader, options: OpenOptions, format: string, object = ''): Promise<Recording> {
  if (header.shape.length !== 2) {
    throw new DataError(path, object, `expected a 2-D array (neurons × frames), found shape [${header.shape.join(', ')}]`);
  }
  const layout = guessLayout(header.shape, options);
  const [rows, cols] = header.shape;
  const nNeurons = layout === 'neurons-first' ? rows : cols;
  const nFrames = layout === 'neurons-first' ? cols : rows;
  return {
    meta: {
      source: { path, format, object },
      nNeurons,
      nFrames,
      timeBase: { kind: 'rate', rate: options.rate ?? 1, start: 0 },
      hasRois: false,
      hasSpikes: false,
    },
    // Fortran order flips which axis is contiguous.
    layout: (layout === 'neurons-first') !== header.fortranOrder ? 'neurons-first' : 'time-first',
    async readTraces(neurons, frames) {
      checkRange(path, object, neurons, nNeurons, 'neuron');
      checkRange(path, object, frames, nFrames, 'frame');
      return layout === 'neurons-first' ? readNpyMatrix(path, header, neurons, frames, false) : readNpyMatrix(path, header, frames, neurons, true);
    },
    async close() {},
  };
}

export function describeNpy(path: string, size: number, header: NpyHeader, format = 'npy'): FileInfo {
  const is2d = header.shape.length === 2;
  const notes = is2d
    ? [
        'NumPy files carry no sampling rate: give one when adding the dataset.',
        `orientation guessed: ${guessLayout(header.shape, {}) === 'neurons-first' ? 'rows are neurons, columns are frames' : 'rows are frames, columns are neurons'} (the longer axis is time)`,
      ]
    : [`a ${header.shape.length}-D array is not a recording (expected 2-D)`];
  return {
    path,
    format,
    size,
    objects: [{ path: '', kind: is2d ? 'traces' : 'other', shape: header.shape, dtype: header.descr, uses: is2d ? ['traces', 'raster', 'analyses'] : [] }],
    notes,
  };
}

/** Pickled object arrays (Suite2p ops.npy, classifier.npy) are small: larger ones are refused. */
const MAX_PICKLE_BYTES = 512 << 20;

async function isPickledNpy(path: string): Promise<boolean> {
  const fh = await openFile(path, 'r');
  try {
    const head = new Uint8Array(256);
    const { bytesRead } = await fh.read(head, 0, 256, 0);
    return /'descr'\s*:\s*'\|O'/.test(new TextDecoder('latin1').decode(head.subarray(0, bytesRead)));
  } finally {
    await fh.close();
  }
}

async function describePickled(path: string, size: number): Promise<FileInfo> {
  if (size > MAX_PICKLE_BYTES) throw new DataError(path, '', `a pickled object array of ${size} bytes is too large to list (limit ${MAX_PICKLE_BYTES})`);
  const value = item(loadNpyBytes(new Uint8Array(await readFile(path)), path, ''));
  const objects: FileInfo['objects'] = [];
  if (value instanceof PickledArray) {
    objects.push({ path: '', kind: 'other', shape: value.shape, dtype: 'object (pickled)', uses: [] });
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const shape = v instanceof PickledArray ? v.shape : [];
      const dtype = v instanceof PickledArray ? (v.dtype?.descr ?? 'object') : typeof v;
      objects.push({ path: key, kind: 'other', shape, dtype, description: typeof v === 'number' || typeof v === 'string' ? String(v).slice(0, 80) : undefined, uses: [] });
    }
  }
  return { path, format: 'npy', size, objects, notes: ['a pickled object array (e.g. Suite2p ops.npy): settings, not a recording'] };
}

export const npyReader: FormatReader = {
  id: 'npy',
  extensions: ['.npy'],
  sniff: (head) => isNpy(head),
  async inspect(path) {
    const { size } = await stat(path);
    if (await isPickledNpy(path)) return describePickled(path, size);
    return describeNpy(path, size, await readNpyHeader(path));
  },
  async open(path, options) {
    if (await isPickledNpy(path)) throw new DataError(path, '', 'holds pickled Python objects (an object array), not a numeric matrix');
    return openNpyMatrix(path, await readNpyHeader(path), options, 'npy');
  },
};
