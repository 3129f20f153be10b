/**
 * The numbers behind a figure as a table (exported as CSV next to it): the analysis's own table
 * when it gave one, otherwise one long table read off the plotted traces.
 */
import type { FigureSpec, FigureTable } from '../domain/figure.js';

type Obj = Record<string, unknown>;
type Cell = number | string | null;

const cell = (v: unknown): Cell => (typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));

export function figureTable(figure: Pick<FigureSpec, 'plot' | 'table'>): FigureTable {
  if (figure.table) return figure.table;
  const rows: Cell[][] = [];
  figure.plot.data.forEach((raw, t) => {
    const trace = raw as Obj;
    const name = typeof trace.name === 'string' ? trace.name : `trace ${t}`;
    const x = Array.isArray(trace.x) ? trace.x : null;
    const y = Array.isArray(trace.y) ? trace.y : null;
    const z = Array.isArray(trace.z) ? trace.z : null;
    if (z) {
      z.forEach((row, i) => {
        (Array.isArray(row) ? row : [row]).forEach((v, j) => rows.push([name, cell(x ? x[j] : j), cell(y ? y[i] : i), cell(v)]));
      });
    } else if (y || x) {
      const n = Math.max(x?.length ?? 0, y?.length ?? 0);
      for (let i = 0; i < n; i++) rows.push([name, cell(x ? x[i] : i), cell(y ? y[i] : i), null]);
    }
  });
  return { columns: ['trace', 'x', 'y', 'z'], rows };
}

function csvField(v: Cell): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header row; numbers written in full (shortest round-trip form). */
export function toCsv(table: FigureTable): string {
  const lines = [table.columns.map(csvField).join(',')];
  for (const row of table.rows) lines.push(row.map(csvField).join(','));
  return lines.join('\n') + '\n';
}
