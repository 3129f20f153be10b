/**
 * The figure-export page: plotly draws a spec at an exact size and hands back its SVG, with the
 * rasters plotly embeds (heatmaps, images) redrawn at the export's dpi; then the finished page is
 * shown alone so the browser engine can print it to PDF or screenshot it at any scale.
 */
import Plotly from 'plotly.js-strict-dist-min';
import type { PlotSpec } from '../../shared/domain/figure';
import { EXPORT_PAGE_GLOBAL, type ExportPageApi, type RenderSvgOptions } from '../../shared/figures/export-page';

interface PlotlyExport {
  toImage(figure: { data: unknown[]; layout: unknown; config?: unknown }, options: Record<string, unknown>): Promise<string>;
  version: string;
}
const plotly = Plotly as unknown as PlotlyExport;

const XLINK = 'http://www.w3.org/1999/xlink';
/** Largest raster side drawn for one embedded image. */
const MAX_IMAGE_PX = 16000;

async function fontsReady(): Promise<void> {
  await Promise.all([document.fonts.load('10px "Liberation Sans"'), document.fonts.load('bold 10px "Liberation Sans"')]);
  await document.fonts.ready;
}

async function decoded(href: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = href;
  await img.decode();
  return img;
}

/**
 * Plotly embeds a heatmap as a tiny PNG (one pixel per cell, drawn `pixelated`) or at screen
 * resolution; PDF viewers and editors would smooth or blur it. Redraw each at the print dpi:
 * nearest-neighbour for pixelated images (cells stay crisp squares), smooth otherwise.
 */
async function rasterise(svg: string, dpi: number): Promise<string> {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const images = Array.from(doc.getElementsByTagName('image'));
  if (images.length === 0) return svg;
  for (const image of images) {
    const href = image.getAttribute('href') ?? image.getAttributeNS(XLINK, 'href') ?? '';
    if (!href.startsWith('data:image/')) continue;
    const width = parseFloat(image.getAttribute('width') ?? '0');
    const height = parseFloat(image.getAttribute('height') ?? '0');
    if (!(width > 0 && height > 0)) continue;
    const canvas = document.createElement('canvas');
    canvas.width = Math.min(MAX_IMAGE_PX, Math.max(1, Math.round((width * dpi) / 96)));
    canvas.height = Math.min(MAX_IMAGE_PX, Math.max(1, Math.round((height * dpi) / 96)));
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingEnabled = !(image.getAttribute('style') ?? '').includes('pixelated');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(await decoded(href), 0, 0, canvas.width, canvas.height);
    image.removeAttribute('href');
    image.setAttributeNS(XLINK, 'xlink:href', canvas.toDataURL('image/png'));
  }
  return new XMLSerializer().serializeToString(doc.documentElement);
}

async function renderSvg(spec: PlotSpec, options: RenderSvgOptions): Promise<string> {
  await fontsReady();
  const layout = { ...spec.layout, width: options.widthPx, height: options.heightPx, autosize: false };
  const svg = await plotly.toImage(
    { data: spec.data, layout, config: { staticPlot: true } },
    { format: 'svg', width: options.widthPx, height: options.heightPx, imageDataOnly: true },
  );
  return rasterise(svg, options.dpi);
}

async function show(svg: string, page: { widthMm: number; heightMm: number }): Promise<void> {
  const style = document.createElement('style');
  style.textContent =
    `@page { size: ${page.widthMm}mm ${page.heightMm}mm; margin: 0; }` +
    `html, body { width: ${page.widthMm}mm; height: ${page.heightMm}mm; overflow: hidden; }` +
    'body > svg { display: block; }';
  document.head.querySelectorAll('style[data-page]').forEach((s) => s.remove());
  style.dataset.page = '';
  document.head.append(style);
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  document.body.replaceChildren(document.importNode(doc.documentElement, true));
  await fontsReady();
  const hrefs = Array.from(
    document.body.getElementsByTagName('image'),
    (i) => i.getAttribute('href') ?? i.getAttributeNS(XLINK, 'href') ?? '',
  );
  await Promise.all(hrefs.filter((h) => h.startsWith('data:')).map(decoded));
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

const api: ExportPageApi = { renderSvg, show, plotlyVersion: plotly.version };
(window as unknown as Record<string, ExportPageApi>)[EXPORT_PAGE_GLOBAL] = api;
