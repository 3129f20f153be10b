/** A 2-D .npy matrix as a recording (neurons × frames, or frames × neurons with `layout`). */
import { stat } from 'node:fs/promises';
import { readNpyHeader, readNpyRows, isNpy, type NpyHeader } from '../npy.js';
import { DataError, type FormatReader, type OpenOptions, type Range, type Recording } from '../types.js';

function orientation(header: NpyHeader, options: OpenOptions): 'neurons-first' | 'time-first' {
  if (options.layout) return options.layout;
  // Recordings have more frames than neurons almost always; the longer axis is time.
  return header.shape[0] <= header.shape[1] ? 'neurons-first' : 'time-first';
}


export const npyReader: FormatReader = {
  id: 'npy',
  extensions: ['.npy'],
  sniff: (head) => isNpy(head),
  async inspect(path) {
    const header = await readNpyHeader(path);
    const { size } = await stat(path);
    const is2d = header.shape.length === 2;
    return {
      path,
      format: 'npy',
      size,
      objects: [
        {
          path: '',
          kind: is2d ? 'traces' : 'other',
          shape: header.shape,
          dtype: header.descr,
          uses: is2d ? ['traces', 'raster', 'analyses'] : [],
        },
      ],
      notes: is2d ? ['NumPy files carry no sampling rate: give one when adding the dataset.'] : [`a ${header.shape.length}-D array is not a recording (expected 2-D)`],
    };
  },
  async open(path, options) {
    const header = await readNpyHeader(path);
    if (header.shape.length !== 2) {
      throw new DataError(path, '', `expected a 2-D array (neurons × frames), found shape [${header.shape.join(', ')}]`);
    }
    const layout = orientation(header, options);
    const [rows, cols] = header.shape;
    const nNeurons = layout === 'neurons-first' ? rows : cols;
    const nFrames = layout === 'neurons-first' ? cols : rows;
    const checkRange = (r: Range, n: number, what: string) => {
      if (r[0] < 0 || r[1] > n || r[0] > r[1]) throw new DataError(path, '', `${what} range [${r[0]}, ${r[1]}) is outside 0..${n}`);
    };
    const recording: Recording = {
      meta: {
        source: { path, format: 'npy', object: '' },
        nNeurons,
        nFrames,
        timeBase: { kind: 'rate', rate: options.rate ?? 1, start: 0 },
        hasRois: false,
        hasSpikes: false,
      },
      async readTraces(neurons, frames) {
        checkRange(neurons, nNeurons, 'neuron');
        checkRange(frames, nFrames, 'frame');
        const n = neurons[1] - neurons[0];
        const t = frames[1] - frames[0];
        if (layout === 'neurons-first') {
          const rowsData = await readNpyRows(path, header, neurons[0], neurons[1]);
          const out = new Float32Array(n * t);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < t; j++) out[i * t + j] = Number(rowsData[i * cols + frames[0] + j]);
          }
          return out;
        }
        const rowsData = await readNpyRows(path, header, frames[0], frames[1]);
        const out = new Float32Array(n * t);
        for (let j = 0; j < t; j++) {
          for (let i = 0; i < n; i++) out[i * t + j] = Number(rowsData[j * cols + neurons[0] + i]);
        }
        return out;
      },
      async close() {},
    };
    return recording;
  },
};
