/**
 * Suite2p output folders (…/suite2p/plane0): F.npy, Fneu.npy, spks.npy (float32 ROIs × frames) and
 * iscell.npy (ROIs × [label, probability]) are plain .npy and are sliced on disk; stat.npy (ROI
 * pixels: ypix, xpix, lam, med) and ops.npy (fs, Ly, Lx, meanImg …) are pickled and read on demand.
 * The frame rate is ops['fs'] (settings['fs'] in Suite2p 1.x). Choosing F.npy inside such a folder
 * opens the folder with that object.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileInfo, FileObject } from '../../../shared/domain/recording.js';
import { readNpyHeader } from '../npy.js';
import { item, loadNpyBytes, PickledArray, toNumbers } from '../pickle.js';
import { DataError, type FormatReader, type Recording, type RoiSet } from '../types.js';
import { openNpyMatrix } from './npy.js';

const TRACES = ['F.npy', 'Fneu.npy', 'spks.npy', 'F_chan2.npy', 'Fneu_chan2.npy'];

/** The plane folder for a path: the folder itself, its plane0, or the folder of a chosen trace file. */
function planeFolder(path: string): string | undefined {
  const isDir = existsSync(path) && statSync(path).isDirectory();
  if (isDir) {
    if (existsSync(join(path, 'F.npy'))) return path;
    if (existsSync(join(path, 'plane0', 'F.npy'))) return join(path, 'plane0');
    if (existsSync(join(path, 'suite2p', 'plane0', 'F.npy'))) return join(path, 'suite2p', 'plane0');
    return undefined;
  }
  const dir = dirname(path);
  return TRACES.includes(basename(path)) && (existsSync(join(dir, 'stat.npy')) || existsSync(join(dir, 'ops.npy'))) ? dir : undefined;
}

async function loadPickled(folder: string, name: string): Promise<unknown> {
  const path = join(folder, name);
  return item(loadNpyBytes(new Uint8Array(await readFile(path)), path, ''));
}

type Dict = Record<string, unknown>;

/** ops.npy (0.x) or settings.npy (1.x), whichever exists; undefined when neither does. */
async function options(folder: string): Promise<Dict | undefined> {
  for (const name of ['ops.npy', 'settings.npy']) {
    if (!existsSync(join(folder, name))) continue;
    const v = await loadPickled(folder, name);
    if (v && typeof v === 'object' && !(v instanceof PickledArray)) return v as Dict;
    throw new DataError(join(folder, name), '', `expected a pickled dict, found ${v instanceof PickledArray ? `an array of shape [${v.shape.join(', ')}]` : typeof v}`);
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  const n = toNumbers(v)[0];
  return Number.isFinite(n) ? n : undefined;
}

export const suite2pReader: FormatReader = {
  id: 'suite2p',
  extensions: [],
  sniff: (_head, path) => planeFolder(path) !== undefined,
  async inspect(path): Promise<FileInfo> {
    const folder = planeFolder(path);
    if (!folder) throw new DataError(path, '', 'not a Suite2p output folder (expected F.npy with stat.npy or ops.npy)');
    const ops = await options(folder);
    const fs = num(ops?.fs);
    const objects: FileObject[] = [];
    for (const name of TRACES) {
      if (!existsSync(join(folder, name))) continue;
      const h = await readNpyHeader(join(folder, name));
      objects.push({ path: name, kind: 'traces', type: `Suite2p ${name.replace('.npy', '')}`, shape: h.shape, dtype: h.descr, rate: fs, uses: ['traces', 'raster', 'analyses'] });
    }
    const notes = [`Suite2p plane folder ${folder}`];
    if (existsSync(join(folder, 'iscell.npy'))) {
      const h = await readNpyHeader(join(folder, 'iscell.npy'));
      objects.push({ path: 'iscell.npy', kind: 'table', type: 'Suite2p iscell', shape: h.shape, dtype: h.descr, uses: ['cell selection'] });
    }
    if (existsSync(join(folder, 'stat.npy'))) objects.push({ path: 'stat.npy', kind: 'rois', type: 'Suite2p stat', shape: [], dtype: 'object (pickled)', uses: ['ROI map'] });
    if (ops) objects.push({ path: existsSync(join(folder, 'ops.npy')) ? 'ops.npy' : 'settings.npy', kind: 'other', type: 'Suite2p ops', shape: [], dtype: 'object (pickled)', uses: [] });
    notes.push(fs !== undefined ? `frame rate ${fs} Hz from ops['fs']` : 'no ops.npy/settings.npy with fs: give a frame rate');
    return { path, format: 'suite2p', size: (await stat(join(folder, 'F.npy'))).size, objects, notes };
  },
  async open(path, opts): Promise<Recording> {
    const folder = planeFolder(path);
    if (!folder) throw new DataError(path, '', 'not a Suite2p output folder (expected F.npy with stat.npy or ops.npy)');
    const object = opts.object ?? (TRACES.includes(basename(path)) ? basename(path) : 'F.npy');
    if (!TRACES.includes(object)) throw new DataError(path, object, `expected one of ${TRACES.join(', ')}`);
    const file = join(folder, object);
    if (!existsSync(file)) throw new DataError(folder, object, 'no such file in the folder');
    const ops = await options(folder);
    const rate = opts.rate ?? num(ops?.fs) ?? 10;
    // Suite2p writes ROIs × frames whatever their lengths.
    const base = await openNpyMatrix(file, await readNpyHeader(file), { layout: 'neurons-first', rate }, 'suite2p', object);
    base.meta.source = { path: folder, format: 'suite2p', object };
    base.meta.labels = Array.from({ length: base.meta.nNeurons }, (_, i) => String(i));
    if (existsSync(join(folder, 'stat.npy'))) {
      base.meta.hasRois = true;
      base.rois = () => readStat(folder, base.meta.nNeurons, ops);
    }
    return base;
  },
};

async function readStat(folder: string, nRois: number, ops: Dict | undefined): Promise<RoiSet> {
  const path = join(folder, 'stat.npy');
  const stat = (await loadPickled(folder, 'stat.npy')) as PickledArray;
  const items = stat instanceof PickledArray ? (stat.items ?? []) : [];
  if (items.length !== nRois) throw new DataError(path, '', `expected ${nRois} ROI entries (one per row of F.npy), found ${items.length}`);
  let ly = num(ops?.Ly);
  let lx = num(ops?.Lx);
  const pixels: Uint32Array[] = [];
  const weights: Float32Array[] = [];
  const centers = new Float32Array(2 * nRois);
  const ys: number[][] = [];
  const xs: number[][] = [];
  items.forEach((entry, k) => {
    const d = entry as Dict;
    const y = toNumbers(d?.ypix);
    const x = toNumbers(d?.xpix);
    if (y.length !== x.length) throw new DataError(path, `ROI ${k}`, `ypix has ${y.length} entries, xpix ${x.length}`);
    ys.push(y);
    xs.push(x);
    const lam = toNumbers(d?.lam);
    weights.push(Float32Array.from(lam.length === y.length ? lam : y.map(() => 1)));
    const med = toNumbers(d?.med);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
    centers[2 * k] = med.length === 2 ? med[1] : mean(x);
    centers[2 * k + 1] = med.length === 2 ? med[0] : mean(y);
  });
  if (ly === undefined || lx === undefined) {
    ly = 1 + ys.reduce((m, y) => y.reduce((a, v) => Math.max(a, v), m), 0);
    lx = 1 + xs.reduce((m, x) => x.reduce((a, v) => Math.max(a, v), m), 0);
  }
  ys.forEach((y, k) => pixels.push(Uint32Array.from(y, (yy, i) => yy * lx! + xs[k][i])));
  const roi: RoiSet = { dims: [ly, lx], centers, masks: { pixels, weights } };
  const mean = ops?.meanImg;
  if (mean instanceof PickledArray && mean.data && mean.shape[0] === ly && mean.shape[1] === lx) {
    roi.background = { name: 'meanImg', data: Float32Array.from(mean.data as ArrayLike<number>) };
  }
  return roi;
}
