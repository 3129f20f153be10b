/**
 * HDF5 files (.nwb, .h5, .hdf5): one walk of the object tree, then the flavour that recognises it
 * opens it (NWB by its root attributes, CaImAn by /estimates); any other HDF5 file lists its
 * datasets and opens a 2-D numeric one as traces.
 */
import { stat } from 'node:fs/promises';
import type { FileInfo, FileObject } from '../../../shared/domain/recording.js';
import { H5File, isHdf5, type H5Node } from '../hdf5/engine.js';
import { H5Tree } from '../hdf5/tree.js';
import { checkRange } from '../recording.js';
import { DataError, type FormatReader, type OpenOptions, type Recording } from '../types.js';
import { describeCaimanHdf5, isCaimanTree, openCaimanHdf5 } from './caiman.js';
import { guessLayout } from './npy.js';
import { describeNwb, isNwb, openNwb } from './nwb.js';

interface Flavour {
  format: string;
  detect(tree: H5Tree): boolean;
  describe(tree: H5Tree): { objects: FileObject[]; notes: string[] };
  open(file: H5File, tree: H5Tree, options: OpenOptions): Promise<Recording>;
}

const generic: Flavour = {
  format: 'hdf5',
  detect: () => true,
  describe(tree) {
    const objects: FileObject[] = [];
    for (const n of tree.nodes.values()) {
      if (n.kind !== 'dataset') continue;
      const numeric = ['float', 'int', 'uint'].includes(n.dtype?.cls ?? '');
      const matrix = numeric && n.shape?.length === 2;
      objects.push({ path: n.path, kind: matrix ? 'traces' : 'other', shape: n.shape ?? [], dtype: `${n.dtype?.cls}${(n.dtype?.size ?? 0) * 8}`, uses: matrix ? ['traces', 'raster', 'analyses'] : [] });
    }
    return { objects, notes: ['plain HDF5: no sampling rate known, give one when adding the dataset; orientation is guessed (the longer axis is time)'] };
  },
  async open(file, tree, options) {
    const node = options.object ? tree.get(options.object) : [...tree.nodes.values()].find((n) => n.kind === 'dataset' && n.shape?.length === 2 && ['float', 'int', 'uint'].includes(n.dtype?.cls ?? ''));
    if (!node || node.kind !== 'dataset' || node.shape?.length !== 2) {
      throw new DataError(file.path, options.object ?? '', `expected a 2-D numeric dataset, found ${node ? `${node.kind} of shape [${(node.shape ?? []).join(', ')}]` : 'none'}`);
    }
    const shape = node.shape;
    const timeFirst = guessLayout(shape, options) === 'time-first';
    const nNeurons = timeFirst ? shape[1] : shape[0];
    const nFrames = timeFirst ? shape[0] : shape[1];
    return {
      meta: { source: { path: file.path, format: 'hdf5', object: node.path }, nNeurons, nFrames, timeBase: { kind: 'rate', rate: options.rate ?? 1, start: 0 }, hasRois: false, hasSpikes: false },
      layout: timeFirst ? 'time-first' : 'neurons-first',
      async readTraces(neurons, frames) {
        checkRange(file.path, node.path, neurons, nNeurons, 'neuron');
        checkRange(file.path, node.path, frames, nFrames, 'frame');
        return timeFirst ? file.readMatrix(node.path, frames, neurons, { transpose: true }) : file.readMatrix(node.path, neurons, frames, { transpose: false });
      },
      close: () => file.close(),
    };
  },
};

const flavours: Flavour[] = [
  { format: 'nwb', detect: isNwb, describe: describeNwb, open: openNwb },
  { format: 'caiman-hdf5', detect: isCaimanTree, describe: describeCaimanHdf5, open: openCaimanHdf5 },
  generic,
];

/** Opens and walks a file; the caller closes it. */
export async function walkHdf5(path: string): Promise<{ file: H5File; tree: H5Tree; notes: string[] }> {
  const file = await H5File.open(path);
  try {
    const { nodes, truncated } = await file.walk();
    const tree = new H5Tree(nodes);
    const notes = truncated ? ['the file has more objects than are listed here (200,000 shown)'] : [];
    const broken = tree.broken();
    if (broken.length) notes.push(damagedNote(broken));
    return { file, tree, notes };
  } catch (e) {
    await file.close();
    throw e;
  }
}

export const hdf5Reader: FormatReader = {
  id: 'hdf5',
  extensions: ['.nwb', '.h5', '.hdf5', '.hdf', '.he5'],
  sniff: (head) => isHdf5(head) && !isMat73(head),
  async inspect(path): Promise<FileInfo> {
    const { file, tree, notes } = await walkHdf5(path);
    try {
      const flavour = flavours.find((f) => f.detect(tree))!;
      const { objects, notes: more } = flavour.describe(tree);
      return { path, format: flavour.format, size: (await stat(path)).size, objects, notes: [...more, ...notes] };
    } finally {
      await file.close();
    }
  },
  async open(path, options) {
    const { file, tree } = await walkHdf5(path);
    try {
      return await flavours.find((f) => f.detect(tree))!.open(file, tree, options);
    } catch (e) {
      await file.close();
      throw e;
    }
  },
};

export function damagedNote(broken: H5Node[]): string {
  const shown = broken.slice(0, 3).map((n) => `${n.path} (${n.error})`).join(', ');
  return `${broken.length} object(s) could not be read, the file may be damaged: ${shown}${broken.length > 3 ? ', …' : ''}`;
}

/** MATLAB v7.3 files are HDF5 with a 512-byte text header; the MATLAB reader takes them. */
export function isMat73(head: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(head.subarray(0, 19)) === 'MATLAB 7.3 MAT-file';
}
