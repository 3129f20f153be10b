/**
 * The look of stored figures: print-ready (white paper, black text, thin axes with ticks, no grid),
 * so the studio's preview and every export show the same figure. Sizes are in CSS px (96 per inch);
 * the exporter rescales fonts and lines to the chosen journal preset.
 */
export const FIGURE_FONT = 'Liberation Sans, Arial, Helvetica, sans-serif';

export function paperAxis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // With automargin, an explicit standoff keeps the title just outside its tick labels at any size.
    title: { text: title, standoff: 6 },
    automargin: true,
    showgrid: false,
    zeroline: false,
    showline: true,
    linecolor: '#000000',
    linewidth: 1,
    ticks: 'outside',
    ticklen: 4,
    tickwidth: 1,
    tickcolor: '#000000',
    mirror: false,
    ...extra,
  };
}

export function paperLayout(title: string, layout: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 12 }, x: 0.02, xanchor: 'left' },
    font: { family: FIGURE_FONT, size: 10, color: '#000000' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 56, r: 16, t: 32, b: 44 },
    showlegend: false,
    ...layout,
  };
}

/** Diverging blue–white–red for signed quantities centred on zero (colour-blind safe ends). */
export const DIVERGING: Array<[number, string]> = [
  [0, '#2166ac'],
  [0.25, '#92c5de'],
  [0.5, '#f7f7f7'],
  [0.75, '#f4a582'],
  [1, '#b2182b'],
];

/** Sequential, perceptually uniform (viridis) for non-negative quantities. */
export const SEQUENTIAL = 'Viridis';
