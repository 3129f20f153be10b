/**
 * CSV/TSV matrices. Open scans the file once, streaming, and keeps only the byte offset of every
 * line plus what it learnt: delimiter, header rows, a row-label column, orientation (asked, or the
 * longer axis is time) and missing values (count and first positions). Slices are then read by
 * line offsets, so a file larger than memory still opens.
 */
import { open as openFile, stat } from 'node:fs/promises';
import type { FileInfo } from '../../../shared/domain/recording.js';
import { checkRange } from '../recording.js';
import { DataError, type FormatReader, type OpenOptions, type Recording } from '../types.js';

const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '-', '?']);
const MAX_HEADER_ROWS = 10;
const MAX_POSITIONS = 5;

export interface CsvLayout {
  delimiter: string;
  headerRows: string[][];
  /** The first column holds labels rather than numbers. */
  rowLabels: boolean;
  /** Data rows × numeric columns. */
  rows: number;
  cols: number;
  /** Byte offset of each data row's line, plus the end of the last. */
  offsets: Float64Array;
  labels: string[];
  missing: { count: number; first: [number, number][] };
  ragged: number;
}

/** Splits one line, honouring double quotes. */
export function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

function isMissing(s: string): boolean {
  return MISSING.has(s.trim().toLowerCase());
}

function isNumber(s: string): boolean {
  const t = s.trim();
  return t !== '' && !Number.isNaN(Number(t));
}

function pickDelimiter(sample: string, path: string): string {
  if (/\.tsv$|\.tab$/i.test(path)) return '\t';
  const lines = sample.split(/\r?\n/).slice(0, 5).filter(Boolean);
  let best = ',';
  let bestScore = 0;
  for (const d of [',', '\t', ';', ' ']) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const score = Math.min(...counts);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Calls `onLine(text, start, end)` for every line, reading 1 MiB at a time. */
async function eachLine(path: string, onLine: (line: string, start: number, end: number) => void): Promise<void> {
  const fh = await openFile(path, 'r');
  try {
    const chunk = new Uint8Array(1 << 20);
    const decoder = new TextDecoder();
    let carry = new Uint8Array(0);
    let carryStart = 0;
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
      const buf = new Uint8Array(carry.length + bytesRead);
      buf.set(carry, 0);
      buf.set(chunk.subarray(0, bytesRead), carry.length);
      let lineStart = 0;
      for (let i = 0; i < buf.length; i++) {
        if (buf[i] !== 0x0a) continue;
        const end = i > lineStart && buf[i - 1] === 0x0d ? i - 1 : i;
        onLine(decoder.decode(buf.subarray(lineStart, end)), carryStart + lineStart, carryStart + i + 1);
        lineStart = i + 1;
      }
      pos += bytesRead;
      if (bytesRead === 0) {
        if (lineStart < buf.length) onLine(decoder.decode(buf.subarray(lineStart)), carryStart + lineStart, carryStart + buf.length);
        return;
      }
      carry = buf.slice(lineStart);
      carryStart += lineStart;
    }
  } finally {
    await fh.close();
  }
}

export async function scanCsv(path: string): Promise<CsvLayout> {
  const fh = await openFile(path, 'r');
  let sample: string;
  try {
    const buf = new Uint8Array(64 << 10);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    sample = new TextDecoder().decode(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
  if (sample.includes('\u0000')) throw new DataError(path, '', 'not a text file (NUL bytes found; expected comma- or tab-separated numbers)');
  const delimiter = pickDelimiter(sample, path);
  const headerRows: string[][] = [];
  const offsets: number[] = [];
  const labels: string[] = [];
  const missing = { count: 0, first: [] as [number, number][] };
  let rowLabels: boolean | undefined;
  let cols = -1;
  let ragged = 0;
  let inData = false;
  let lastEnd = 0;
  await eachLine(path, (line, start, end) => {
    if (line.trim() === '') return;
    const fields = splitLine(line, delimiter);
    if (!inData) {
      // A data line: every field numeric or missing, except perhaps a first-column label.
      const rest = fields.slice(1);
      const numericRest = rest.every((f) => isNumber(f) || isMissing(f)) && rest.some(isNumber);
      const first = fields[0];
      if (numericRest && (isNumber(first) || isMissing(first) || fields.length > 1)) {
        inData = true;
        rowLabels = !isNumber(first) && !isMissing(first);
      } else if (fields.length === 1 && isNumber(first)) {
        inData = true;
        rowLabels = false;
      } else {
        if (headerRows.length >= MAX_HEADER_ROWS) throw new DataError(path, `line ${headerRows.length + 1}`, `expected numbers after at most ${MAX_HEADER_ROWS} header lines, found text: ${JSON.stringify(line.slice(0, 80))}`);
        headerRows.push(fields);
        return;
      }
    }
    const values = rowLabels ? fields.slice(1) : fields;
    if (cols < 0) cols = values.length;
    if (values.length !== cols) ragged++;
    const row = offsets.length;
    offsets.push(start);
    if (rowLabels) labels.push(fields[0].trim());
    for (let j = 0; j < cols; j++) {
      const v = values[j];
      if (v === undefined || !isNumber(v)) {
        missing.count++;
        if (missing.first.length < MAX_POSITIONS) missing.first.push([row, j]);
      }
    }
    lastEnd = end;
  });
  if (!inData || cols <= 0) throw new DataError(path, '', 'no numeric rows found (expected comma- or tab-separated numbers)');
  offsets.push(lastEnd);
  return { delimiter, headerRows, rowLabels: !!rowLabels, rows: offsets.length - 1, cols, offsets: Float64Array.from(offsets), labels, missing, ragged };
}

function orientation(layout: CsvLayout, options: OpenOptions): 'neurons-first' | 'time-first' {
  return options.layout ?? (layout.rows <= layout.cols ? 'neurons-first' : 'time-first');
}

function notesFor(layout: CsvLayout, options: OpenOptions): string[] {
  const o = orientation(layout, options);
  const notes = [
    `${layout.rows} rows × ${layout.cols} numeric columns, ${layout.delimiter === '\t' ? 'tab' : `'${layout.delimiter}'`}-separated`,
    `${options.layout ? 'orientation given' : 'orientation guessed (the longer axis is time)'}: ${o === 'neurons-first' ? 'one row per neuron' : 'one row per frame'}`,
    `${layout.headerRows.length} header row(s)${layout.rowLabels ? ', first column holds row labels' : ''}`,
  ];
  if (layout.missing.count > 0) {
    notes.push(`${layout.missing.count} missing or non-numeric value(s), read as NaN; first at ${layout.missing.first.map(([r, c]) => `row ${r + 1} column ${c + 1}`).join(', ')}`);
  }
  if (layout.ragged > 0) notes.push(`${layout.ragged} row(s) have a different number of columns; missing cells are NaN`);
  notes.push('CSV files carry no sampling rate: give one when adding the dataset.');
  return notes;
}

async function readRows(path: string, layout: CsvLayout, r0: number, r1: number): Promise<string[]> {
  const start = layout.offsets[r0];
  const end = layout.offsets[r1];
  const fh = await openFile(path, 'r');
  try {
    const buf = new Uint8Array(end - start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    if (bytesRead < buf.length) throw new DataError(path, `row ${r0 + 1}`, `file changed since it was opened: expected ${buf.length} bytes, read ${bytesRead}`);
    return new TextDecoder()
      .decode(buf)
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.trim() !== '');
  } finally {
    await fh.close();
  }
}

export const csvReader: FormatReader = {
  id: 'csv',
  extensions: ['.csv', '.tsv', '.txt', '.tab'],
  sniff: (_head, path) => /\.(csv|tsv|tab)$/i.test(path),
  async inspect(path): Promise<FileInfo> {
    const layout = await scanCsv(path);
    return {
      path,
      format: 'csv',
      size: (await stat(path)).size,
      objects: [{ path: '', kind: 'traces', shape: [layout.rows, layout.cols], dtype: 'text', uses: ['traces', 'raster', 'analyses'] }],
      notes: notesFor(layout, {}),
    };
  },
  async open(path, options): Promise<Recording> {
    const layout = await scanCsv(path);
    const timeFirst = orientation(layout, options) === 'time-first';
    const nNeurons = timeFirst ? layout.cols : layout.rows;
    const nFrames = timeFirst ? layout.rows : layout.cols;
    const header = layout.headerRows[layout.headerRows.length - 1];
    const labels = !timeFirst && layout.rowLabels ? layout.labels : timeFirst && header ? (layout.rowLabels ? header.slice(1) : header).map((s) => s.trim()) : undefined;
    const value = (s: string | undefined) => (s !== undefined && isNumber(s) ? Number(s) : NaN);
    const skip = layout.rowLabels ? 1 : 0;
    return {
      meta: {
        source: { path, format: 'csv', object: '' },
        nNeurons,
        nFrames,
        timeBase: { kind: 'rate', rate: options.rate ?? 1, start: 0 },
        labels: labels?.length === nNeurons ? labels : undefined,
        hasRois: false,
        hasSpikes: false,
      },
      layout: timeFirst ? 'time-first' : 'neurons-first',
      async readTraces(neurons, frames) {
        checkRange(path, '', neurons, nNeurons, 'neuron');
        checkRange(path, '', frames, nFrames, 'frame');
        const n = neurons[1] - neurons[0];
        const t = frames[1] - frames[0];
        const out = new Float32Array(n * t);
        if (n === 0 || t === 0) return out;
        const delim = layout.delimiter;
        if (!timeFirst) {
          const lines = await readRows(path, layout, neurons[0], neurons[1]);
          lines.forEach((line, i) => {
            const f = splitLine(line, delim);
            for (let j = 0; j < t; j++) out[i * t + j] = value(f[skip + frames[0] + j]);
          });
        } else {
          const lines = await readRows(path, layout, frames[0], frames[1]);
          lines.forEach((line, j) => {
            const f = splitLine(line, delim);
            for (let i = 0; i < n; i++) out[i * t + j] = value(f[skip + neurons[0] + i]);
          });
        }
        return out;
      },
      async close() {},
    };
  },
};
