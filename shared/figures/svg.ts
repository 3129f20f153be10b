/**
 * Plotly's SVG made into a print document: the page in millimetres (the viewBox stays in CSS px,
 * so one user unit is 1/96 in), font sizes in points, and several panels composed onto one page
 * with bold panel letters. String transforms only: they run in main and in tests without a DOM.
 */
import { pxToPt } from './presets.js';
import { FIGURE_FONT } from './style.js';

const ROOT_TAG = /<svg\b[^>]*>/;

const round = (v: number, digits = 3) => Number(v.toFixed(digits));

function rootAttributes(svg: string): { tag: string; attrs: Record<string, string> } {
  const match = ROOT_TAG.exec(svg);
  if (!match) throw new Error('not an SVG document: no <svg> element');
  const attrs: Record<string, string> = {};
  for (const m of match[0].matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[m[1]] = m[2];
  return { tag: match[0], attrs };
}

function withRoot(svg: string, attrs: Record<string, string>): string {
  const { tag } = rootAttributes(svg);
  const rendered = Object.entries(attrs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return svg.replace(tag, `<svg ${rendered}>`);
}

/** font-size in px (style properties and attributes) → pt, the unit journals and editors speak. */
export function fontSizesInPoints(svg: string): string {
  return svg
    .replace(/font-size:\s*([\d.]+)px/g, (_m, px: string) => `font-size: ${round(pxToPt(Number(px)), 2)}pt`)
    .replace(/font-size="([\d.]+)(px)?"/g, (_m, px: string) => `font-size="${round(pxToPt(Number(px)), 2)}pt"`);
}

/** The finished page: width and height in mm over the plotly viewBox, fonts in pt, a title for editors. */
export function printSvg(svg: string, page: { widthMm: number; heightMm: number; title?: string }): string {
  const { attrs } = rootAttributes(svg);
  const viewBox = attrs.viewBox ?? `0 0 ${parseFloat(attrs.width)} ${parseFloat(attrs.height)}`;
  const { style: _style, class: _class, width: _w, height: _h, viewBox: _v, ...rest } = attrs;
  let out = withRoot(svg, {
    ...rest,
    xmlns: 'http://www.w3.org/2000/svg',
    'xmlns:xlink': 'http://www.w3.org/1999/xlink',
    width: `${round(page.widthMm)}mm`,
    height: `${round(page.heightMm)}mm`,
    viewBox,
  });
  if (page.title) out = out.replace(ROOT_TAG, (tag) => `${tag}<title>${escapeXml(page.title!)}</title>`);
  return fontSizesInPoints(out);
}

export interface Cell {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Equal cells in a grid of `columns`, filled row by row, over a page of width × height px. */
export function gridCells(count: number, columns: number, width: number, height: number): Cell[] {
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  const w = width / cols;
  const h = height / rows;
  return Array.from({ length: count }, (_, i) => ({ x: (i % cols) * w, y: Math.floor(i / cols) * h, width: w, height: h }));
}

/**
 * Several plotly SVGs nested into one page: each drawn at its `plot` rectangle, with a bold panel
 * letter at the top-left corner of its `cell`. Sizes in CSS px; `letterPx` is the letters' size.
 */
export function composeSvg(
  panels: Array<{ svg: string; cell: Cell; plot: Cell; letter: string }>,
  page: { widthPx: number; heightPx: number; letterPx: number },
): string {
  const parts = panels.map(({ svg, cell, plot, letter }) => {
    const { attrs } = rootAttributes(svg);
    const { width: _w, height: _h, x: _x, y: _y, style: _s, class: _c, ...rest } = attrs;
    const nested = withRoot(svg.replace(/^<\?xml[^>]*>\s*/, ''), {
      ...rest,
      x: String(round(plot.x)),
      y: String(round(plot.y)),
      width: String(round(plot.width)),
      height: String(round(plot.height)),
    });
    const text =
      `<text x="${round(cell.x + page.letterPx * 0.15)}" y="${round(cell.y + page.letterPx)}" ` +
      `style="font-family: ${FIGURE_FONT}; font-size: ${round(page.letterPx, 4)}px; font-weight: bold; fill: #000000;">` +
      `${escapeXml(letter)}</text>`;
    return `<g class="panel">${nested}${text}</g>`;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${round(page.widthPx)}" height="${round(page.heightPx)}" viewBox="0 0 ${round(page.widthPx)} ${round(page.heightPx)}">` +
    `<rect x="0" y="0" width="${round(page.widthPx)}" height="${round(page.heightPx)}" style="fill: #ffffff;"/>` +
    parts.join('') +
    '</svg>'
  );
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
