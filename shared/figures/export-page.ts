/**
 * What the figure-export page (renderer/export, loaded by the exporter's browser engine) offers
 * as `window.cajalExport`. The same plotly.js bundle as the studio draws every export.
 */
import type { PlotSpec } from '../domain/figure.js';

export interface RenderSvgOptions {
  widthPx: number;
  heightPx: number;
  /** Rasters inside the plot (heatmaps, images) are redrawn at this resolution. */
  dpi: number;
}

export interface ExportPageApi {
  /** Draws a plotly spec at exactly widthPx × heightPx (CSS px) and returns plotly's SVG. */
  renderSvg(spec: PlotSpec, options: RenderSvgOptions): Promise<string>;
  /** Shows a finished SVG page alone, sized in mm, and resolves once its fonts and images are ready. */
  show(svg: string, page: { widthMm: number; heightMm: number }): Promise<void>;
  /** plotly.js version, for provenance. */
  plotlyVersion: string;
}

/** Global name of the page's API. */
export const EXPORT_PAGE_GLOBAL = 'cajalExport';
