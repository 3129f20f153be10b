/**
 * Journal presets for figure export: page sizes in millimetres, text in points, line widths in
 * points, raster resolution in dots per inch. Values follow each journal's author guidelines (the
 * `source` of each preset); every one can be overridden per export within the journal's limits.
 *
 * Plotly lays figures out in CSS pixels (96 per inch); these helpers convert between the units.
 */
export const PX_PER_INCH = 96;
export const PT_PER_INCH = 72;
export const MM_PER_INCH = 25.4;

export const mmToPx = (mm: number): number => (mm / MM_PER_INCH) * PX_PER_INCH;
export const pxToMm = (px: number): number => (px / PX_PER_INCH) * MM_PER_INCH;
export const ptToPx = (pt: number): number => (pt / PT_PER_INCH) * PX_PER_INCH;
export const pxToPt = (px: number): number => (px / PX_PER_INCH) * PT_PER_INCH;
export const mmToPt = (mm: number): number => (mm / MM_PER_INCH) * PT_PER_INCH;

export interface JournalPreset {
  id: string;
  label: string;
  journal: string;
  /** Default page size of an export with this preset. */
  widthMm: number;
  heightMm: number;
  /** The journal's printed page: no export with this preset may be larger. */
  maxWidthMm: number;
  maxHeightMm: number;
  /** Labels and titles; tick labels are one point smaller (never below minPt). */
  font: { pt: number; minPt: number; maxPt: number };
  /** Axis lines and ticks; data lines (a plotly default 2 px line is drawn at `data`). */
  lineWidthPt: { axis: number; data: number };
  /** Panel letters of multi-panel figures: bold, this size and case. */
  panelLetter: { pt: number; case: 'lower' | 'upper' };
  /** Raster resolution (PNG/TIFF, and the decimation of dense traces in vector exports). */
  dpi: number;
  source: string;
}

const NATURE = {
  journal: 'Nature',
  maxWidthMm: 183,
  maxHeightMm: 170,
  font: { pt: 7, minPt: 5, maxPt: 7 },
  lineWidthPt: { axis: 0.5, data: 0.75 },
  panelLetter: { pt: 8, case: 'lower' as const },
  dpi: 600,
  source: 'https://research-figure-guide.nature.com/figures/preparing-figures-our-specifications/',
};
const SCIENCE = {
  journal: 'Science',
  maxWidthMm: 184,
  maxHeightMm: 230,
  font: { pt: 7, minPt: 5, maxPt: 9 },
  lineWidthPt: { axis: 0.5, data: 0.75 },
  panelLetter: { pt: 8, case: 'upper' as const },
  dpi: 600,
  source: 'https://www.science.org/content/page/instructions-preparing-initial-manuscript',
};
const CELL = {
  journal: 'Cell',
  maxWidthMm: 174,
  maxHeightMm: 225,
  font: { pt: 7, minPt: 6, maxPt: 8 },
  lineWidthPt: { axis: 0.5, data: 0.75 },
  panelLetter: { pt: 9, case: 'upper' as const },
  dpi: 600,
  source: 'https://www.cell.com/information-for-authors/figure-guidelines',
};
const ELIFE = {
  journal: 'eLife',
  maxWidthMm: 180,
  maxHeightMm: 230,
  font: { pt: 8, minPt: 6, maxPt: 10 },
  lineWidthPt: { axis: 0.6, data: 1 },
  panelLetter: { pt: 10, case: 'upper' as const },
  dpi: 300,
  source: 'https://elife-rp.msubmit.net/html/elife-rp_author_instructions.html',
};
const PNAS = {
  journal: 'PNAS',
  maxWidthMm: 178,
  maxHeightMm: 225,
  font: { pt: 7, minPt: 6, maxPt: 8 },
  lineWidthPt: { axis: 0.5, data: 0.75 },
  panelLetter: { pt: 8, case: 'upper' as const },
  dpi: 600,
  source: 'https://www.pnas.org/author-center/submitting-your-manuscript',
};

export const PRESETS: readonly JournalPreset[] = [
  { ...NATURE, id: 'nature-single', label: 'Nature, single column (89 mm)', widthMm: 89, heightMm: 70 },
  { ...NATURE, id: 'nature-double', label: 'Nature, double column (183 mm)', widthMm: 183, heightMm: 110 },
  { ...SCIENCE, id: 'science-single', label: 'Science, one column (57 mm)', widthMm: 57, heightMm: 50 },
  { ...SCIENCE, id: 'science-double', label: 'Science, two columns (121 mm)', widthMm: 121, heightMm: 85 },
  { ...SCIENCE, id: 'science-triple', label: 'Science, three columns (184 mm)', widthMm: 184, heightMm: 110 },
  { ...CELL, id: 'cell-single', label: 'Cell, one column (85 mm)', widthMm: 85, heightMm: 68 },
  { ...CELL, id: 'cell-double', label: 'Cell, two columns (174 mm)', widthMm: 174, heightMm: 110 },
  { ...ELIFE, id: 'elife', label: 'eLife, full width (180 mm)', widthMm: 180, heightMm: 110 },
  { ...PNAS, id: 'pnas-single', label: 'PNAS, one column (87 mm)', widthMm: 87, heightMm: 68 },
  { ...PNAS, id: 'pnas-double', label: 'PNAS, two columns (178 mm)', widthMm: 178, heightMm: 110 },
  {
    id: 'slide',
    label: 'Slide, 16:9 (13.33 × 7.5 in)',
    journal: 'Slide',
    widthMm: 338.67,
    heightMm: 190.5,
    maxWidthMm: 338.67,
    maxHeightMm: 190.5,
    font: { pt: 18, minPt: 12, maxPt: 32 },
    lineWidthPt: { axis: 1.5, data: 2 },
    panelLetter: { pt: 24, case: 'upper' },
    dpi: 192,
    source: 'PowerPoint and Keynote widescreen page (13.333 × 7.5 in)',
  },
];

export const DEFAULT_PRESET = 'nature-single';

/** Smallest page side an export may have: below it no axis fits its labels. */
export const MIN_SIDE_MM = 20;
export const DPI_RANGE = { min: 72, max: 2400 } as const;
/** Largest raster side in pixels; the browser's screenshots stop well above this, files get unwieldy. */
export const MAX_RASTER_PX = 16000;

export const EXPORT_FORMATS = ['svg', 'pdf', 'png', 'tiff'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function presetById(id: string): JournalPreset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** What the user asks for: a preset and optional overrides. */
export interface ExportRequest {
  preset: string;
  widthMm?: number;
  heightMm?: number;
  dpi?: number;
  fontPt?: number;
}

/** Everything an export needs, resolved and checked. */
export interface ExportOptions {
  preset: string;
  widthMm: number;
  heightMm: number;
  dpi: number;
  fontPt: number;
  tickFontPt: number;
  axisLinePt: number;
  dataLinePt: number;
  panelLetter: JournalPreset['panelLetter'];
}

/** Bad export options; the message names the option and what is allowed. */
export class ExportOptionsError extends Error {
  override readonly name = 'ExportOptionsError';
}

function checkNumber(value: number, flag: string, unit: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new ExportOptionsError(`${flag} must be a positive number of ${unit}, got ${value}`);
}

/** Resolves a preset with overrides; throws ExportOptionsError naming the first impossible value. */
export function resolveExportOptions(request: ExportRequest, defaults?: { widthMm: number; heightMm: number }): ExportOptions {
  const preset = presetById(request.preset);
  if (!preset) {
    throw new ExportOptionsError(`unknown preset '${request.preset}' (available: ${PRESETS.map((p) => p.id).join(', ')})`);
  }
  const widthMm = request.widthMm ?? defaults?.widthMm ?? preset.widthMm;
  const heightMm = request.heightMm ?? defaults?.heightMm ?? preset.heightMm;
  const dpi = request.dpi ?? preset.dpi;
  const fontPt = request.fontPt ?? preset.font.pt;
  checkNumber(widthMm, 'width', 'mm');
  checkNumber(heightMm, 'height', 'mm');
  checkNumber(dpi, 'dpi', 'dots per inch');
  checkNumber(fontPt, 'font size', 'pt');
  for (const [value, side, max] of [
    [widthMm, 'width', preset.maxWidthMm],
    [heightMm, 'height', preset.maxHeightMm],
  ] as const) {
    if (value < MIN_SIDE_MM) throw new ExportOptionsError(`${side} ${value} mm is too small: at least ${MIN_SIDE_MM} mm`);
    if (value > max + 1e-9) {
      throw new ExportOptionsError(`${side} ${value} mm does not fit ${preset.journal}'s page (${preset.id}: at most ${max} mm)`);
    }
  }
  if (!Number.isInteger(dpi) || dpi < DPI_RANGE.min || dpi > DPI_RANGE.max) {
    throw new ExportOptionsError(`dpi must be a whole number from ${DPI_RANGE.min} to ${DPI_RANGE.max}, got ${dpi}`);
  }
  const rasterSide = Math.round((Math.max(widthMm, heightMm) / MM_PER_INCH) * dpi);
  if (rasterSide > MAX_RASTER_PX) {
    throw new ExportOptionsError(
      `${widthMm} × ${heightMm} mm at ${dpi} dpi is ${rasterSide} px on its long side; at most ${MAX_RASTER_PX} px: lower the dpi`,
    );
  }
  if (fontPt < preset.font.minPt || fontPt > preset.font.maxPt) {
    throw new ExportOptionsError(
      `font size ${fontPt} pt is outside ${preset.journal}'s range for ${preset.id} (${preset.font.minPt}–${preset.font.maxPt} pt)`,
    );
  }
  return {
    preset: preset.id,
    widthMm,
    heightMm,
    dpi,
    fontPt,
    tickFontPt: Math.max(preset.font.minPt, fontPt - 1),
    axisLinePt: preset.lineWidthPt.axis,
    dataLinePt: preset.lineWidthPt.data,
    panelLetter: preset.panelLetter,
  };
}

/** Panel letters in reading order: a … z, then aa, ab …. */
export function panelLetter(index: number, letterCase: 'lower' | 'upper'): string {
  let n = index;
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return letterCase === 'upper' ? s.toUpperCase() : s;
}
