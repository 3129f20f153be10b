/**
 * A stored plotly spec restyled for print at a journal preset: the exact page size, fonts and line
 * widths in the preset's points, WebGL traces redrawn as SVG traces (so nothing is silently
 * rasterised) and thinned to the print resolution. Pure: the same function serves the exporter and
 * the studio's preview.
 */
import type { PlotSpec } from '../domain/figure.js';
import { lineIndices, markerIndices } from './decimate.js';
import { mmToPx, ptToPx, type ExportOptions } from './presets.js';
import { FIGURE_FONT } from './style.js';

/** WebGL trace types and the SVG type that draws the same data. */
const VECTOR_TWIN: Record<string, string> = { scattergl: 'scatter', scatterpolargl: 'scatterpolar' };
/** WebGL-only trace types with no SVG twin: they can only be exported as PNG or TIFF. */
export const RASTER_ONLY_TRACES = ['splom', 'parcoords', 'scatter3d', 'surface', 'mesh3d', 'cone', 'streamtube', 'volume', 'isosurface'];

/** plotly.js's own defaults, needed to scale what a spec leaves unset. */
const PLOTLY_FONT_PX = 12;
const PLOTLY_LINE_PX = 2;
const PLOTLY_MARKER_PX = 6;
const PLOTLY_TICKLEN_PX = 5;
/** Gap between tick labels and an axis title that sets none, in title font sizes. */
const TITLE_STANDOFF_EM = 0.5;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

export interface PrintSize {
  widthPx: number;
  heightPx: number;
}

export function printSize(options: Pick<ExportOptions, 'widthMm' | 'heightMm'>): PrintSize {
  return { widthPx: mmToPx(options.widthMm), heightPx: mmToPx(options.heightMm) };
}

/** Trace types in a spec that have no vector rendering. */
export function rasterOnlyTraces(spec: PlotSpec): string[] {
  return [...new Set(spec.data.map((t) => String(obj(t).type ?? 'scatter')).filter((t) => RASTER_ONLY_TRACES.includes(t)))];
}

/**
 * The spec as it is drawn on a page of `size` CSS px with the options' fonts and lines. Sizes the
 * stored spec gives in px are scaled by the ratio of the print font to the stored base font, so a
 * figure keeps its proportions at any preset.
 */
export function printSpec(spec: PlotSpec, options: ExportOptions, size: PrintSize = printSize(options)): PlotSpec {
  const layout = structuredClone(spec.layout) as Obj;
  const font = obj(layout.font);
  const fontPx = ptToPx(options.fontPt);
  const tickPx = ptToPx(options.tickFontPt);
  const axisPx = ptToPx(options.axisLinePt);
  const dataPx = ptToPx(options.dataLinePt);
  const scale = fontPx / (typeof font.size === 'number' ? font.size : PLOTLY_FONT_PX);

  layout.width = size.widthPx;
  layout.height = size.heightPx;
  layout.autosize = false;
  layout.font = { ...font, family: FIGURE_FONT, size: fontPx, color: font.color ?? '#000000' };
  if (layout.title !== undefined) {
    const title = isObj(layout.title) ? layout.title : { text: layout.title };
    layout.title = { ...title, font: { ...obj(title.font), size: fontPx } };
  }
  const margin = obj(layout.margin);
  layout.margin = Object.fromEntries(
    Object.entries({ l: 80, r: 80, t: 100, b: 80, pad: 0, ...margin }).map(([k, v]) => [k, typeof v === 'number' ? v * scale : v]),
  );
  for (const key of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(key)) layout[key] = printAxis(obj(layout[key]), fontPx, tickPx, axisPx, scale);
  }
  if (isObj(layout.legend)) layout.legend = { ...layout.legend, font: { ...obj(layout.legend.font), size: tickPx } };
  if (Array.isArray(layout.annotations)) {
    layout.annotations = layout.annotations.map((a) => {
      const f = obj(obj(a).font);
      return { ...obj(a), font: { ...f, size: (typeof f.size === 'number' ? f.size : PLOTLY_FONT_PX) * scale } };
    });
  }
  const data = spec.data.map((trace) => printTrace(obj(trace), layout, size, options.dpi, { fontPx, tickPx, axisPx, dataPx, scale }));
  return { data, layout };
}

function printAxis(axis: Obj, fontPx: number, tickPx: number, axisPx: number, scale: number): Obj {
  const title = isObj(axis.title) ? axis.title : axis.title === undefined ? undefined : { text: axis.title };
  const out: Obj = {
    ...axis,
    tickfont: { ...obj(axis.tickfont), size: tickPx },
    ticklen: (typeof axis.ticklen === 'number' ? axis.ticklen : PLOTLY_TICKLEN_PX) * scale,
    tickwidth: axisPx,
    linewidth: axisPx,
    automargin: true,
  };
  // An explicit standoff puts the title just outside the tick labels (plotly's default offset
  // ignores their size, so at print sizes titles drift away from their axes or onto tick labels).
  if (title) {
    const standoff = typeof title.standoff === 'number' ? title.standoff * scale : TITLE_STANDOFF_EM * fontPx;
    out.title = { ...title, font: { ...obj(title.font), size: fontPx }, standoff };
  }
  return out;
}

interface Sizes {
  fontPx: number;
  tickPx: number;
  axisPx: number;
  dataPx: number;
  scale: number;
}

function printTrace(trace: Obj, layout: Obj, size: PrintSize, dpi: number, s: Sizes): Obj {
  const type = String(trace.type ?? 'scatter');
  const out: Obj = { ...trace, type: VECTOR_TWIN[type] ?? type };
  if (isObj(trace.line) || type.startsWith('scatter')) {
    const line = obj(trace.line);
    out.line = { ...line, width: ((typeof line.width === 'number' ? line.width : PLOTLY_LINE_PX) / PLOTLY_LINE_PX) * s.dataPx };
  }
  if (isObj(trace.marker)) {
    const marker = { ...trace.marker };
    if (typeof marker.size === 'number') marker.size = marker.size * s.scale;
    else if (marker.size === undefined && type.startsWith('scatter')) marker.size = PLOTLY_MARKER_PX * s.scale;
    if (isObj(marker.line) && typeof marker.line.width === 'number') {
      marker.line = { ...marker.line, width: (marker.line.width / PLOTLY_LINE_PX) * s.dataPx };
    }
    if (isObj(marker.colorbar)) marker.colorbar = printColorbar(marker.colorbar, s);
    out.marker = marker;
  }
  if (isObj(trace.colorbar)) out.colorbar = printColorbar(trace.colorbar, s);
  if (isObj(trace.textfont)) {
    const f = trace.textfont;
    out.textfont = { ...f, size: (typeof f.size === 'number' ? f.size : PLOTLY_FONT_PX) * s.scale };
  }
  return out.type === 'scatter' ? thin(out, layout, size, dpi) : out;
}

function printColorbar(colorbar: Obj, s: Sizes): Obj {
  const title = isObj(colorbar.title) ? colorbar.title : colorbar.title === undefined ? undefined : { text: colorbar.title };
  const out: Obj = {
    ...colorbar,
    tickfont: { ...obj(colorbar.tickfont), size: s.tickPx },
    thickness: (typeof colorbar.thickness === 'number' ? colorbar.thickness : 30) * s.scale,
    ticklen: (typeof colorbar.ticklen === 'number' ? colorbar.ticklen : PLOTLY_TICKLEN_PX) * s.scale,
    tickwidth: s.axisPx,
  };
  // plotly outlines colorbars (1 px) unless told not to; a drawn outline gets the axis width.
  if (colorbar.outlinewidth === undefined || (typeof colorbar.outlinewidth === 'number' && colorbar.outlinewidth > 0))
    out.outlinewidth = s.axisPx;
  if (title) out.title = { ...title, font: { ...obj(title.font), size: s.fontPx } };
  return out;
}

/** The fraction of the page width (height) an axis spans. */
function domainFraction(layout: Obj, axisId: unknown, letter: 'x' | 'y'): number {
  const id = typeof axisId === 'string' && axisId.length > 1 ? axisId.slice(1) : '';
  const domain = obj(layout[`${letter}axis${id}`]).domain;
  return Array.isArray(domain) && domain.length === 2 ? Math.max(0.01, Number(domain[1]) - Number(domain[0])) : 1;
}

/** Keeps the points visible at `dpi`; every per-point array of the trace is thinned alike. */
function thin(trace: Obj, layout: Obj, size: PrintSize, dpi: number): Obj {
  const y = trace.y;
  if (!Array.isArray(y)) return trace;
  const n = y.length;
  const x = Array.isArray(trace.x) ? trace.x : null;
  if (x && (x.length !== n || !x.every((v) => typeof v === 'number' || v === null))) return trace;
  if (!y.every((v) => typeof v === 'number' || v === null)) return trace;
  const toDevice = dpi / 96;
  const columns = Math.max(1, Math.ceil(size.widthPx * domainFraction(layout, trace.xaxis, 'x') * toDevice));
  const rows = Math.max(1, Math.ceil(size.heightPx * domainFraction(layout, trace.yaxis, 'y') * toDevice));
  const mode = String(trace.mode ?? (n <= 20 ? 'lines+markers' : 'lines'));
  const isLine = mode.includes('lines');
  if (n <= (isLine ? 4 * columns : columns * rows)) return trace;
  const xs: ArrayLike<number> = x ? (x as number[]) : Array.from({ length: n }, (_, i) => i);
  const keep = isLine ? lineIndices(xs, y as Array<number | null>, columns) : markerIndices(xs, y as Array<number | null>, columns, rows);
  const out = subset(trace, n, keep) as Obj;
  if (!x) out.x = keep;
  return out;
}

function subset(value: unknown, n: number, keep: number[]): unknown {
  if (Array.isArray(value)) return value.length === n ? keep.map((i) => value[i]) : value;
  if (!isObj(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, subset(v, n, keep)]));
}
