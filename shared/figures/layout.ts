/**
 * The print page of a figure, shared by the exporter and the studio's print view: its options
 * (preset, overrides, a multi-panel figure's own size) and where each panel and letter goes.
 */
import type { Composition } from '../domain/figure.js';
import {
  DEFAULT_PRESET,
  MM_PER_INCH,
  presetById,
  PT_PER_INCH,
  ptToPx,
  resolveExportOptions,
  type ExportOptions,
  type ExportRequest,
} from './presets.js';
import { printSize } from './print.js';
import { gridCells, type Cell } from './svg.js';

/** Height of the band above each panel that holds its letter, in letter heights. */
export const LETTER_BAND = 1.5;

/**
 * Options of one export: the request's preset (else the multi-panel figure's, else the default)
 * with its overrides; a multi-panel figure without a stored height gets one that fits its grid
 * (panels at 4:3 under their letter bands). Throws ExportOptionsError like resolveExportOptions.
 */
export function exportOptions(request: Omit<ExportRequest, 'preset'> & { preset?: string }, composition?: Composition): ExportOptions {
  const preset = request.preset ?? composition?.preset ?? DEFAULT_PRESET;
  if (!composition) return resolveExportOptions({ ...request, preset });
  const widthMm = request.widthMm ?? composition.widthMm;
  const heightMm = request.heightMm ?? composition.heightMm;
  const base = resolveExportOptions({ ...request, preset, widthMm, heightMm });
  if (heightMm !== undefined) return base;
  const cols = Math.max(1, Math.min(composition.columns, composition.panels.length));
  const rows = Math.max(1, Math.ceil(composition.panels.length / cols));
  const bandMm = (base.panelLetter.pt / PT_PER_INCH) * MM_PER_INCH * LETTER_BAND;
  const fit = Math.round(rows * ((base.widthMm / cols) * 0.75 + bandMm));
  return resolveExportOptions({ ...request, preset, widthMm, heightMm: Math.min(fit, presetById(preset)!.maxHeightMm) });
}

export interface PanelPlace {
  /** The panel's grid cell; its letter sits at the cell's top-left corner. */
  cell: Cell;
  /** Where the plot goes: the cell below the letter band. */
  plot: Cell;
}

/** Panel cells and plot rectangles of a multi-panel page, in CSS px; `letterPx` is the letter size. */
export function panelPlaces(options: ExportOptions, count: number, columns: number): { places: PanelPlace[]; letterPx: number } {
  const page = printSize(options);
  const letterPx = ptToPx(options.panelLetter.pt);
  const band = letterPx * LETTER_BAND;
  const places = gridCells(count, columns, page.widthPx, page.heightPx).map((cell) => ({
    cell,
    plot: { x: cell.x, y: cell.y + band, width: cell.width, height: Math.max(1, cell.height - band) },
  }));
  return { places, letterPx };
}
