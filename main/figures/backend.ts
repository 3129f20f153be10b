/**
 * The browser engine that draws exports, behind one interface: playwright-core driving a system
 * Chromium (CLI, browser host) or a hidden Electron window (desktop app). Both load the same export
 * page (renderer/export) with the same plotly.js bundle as the studio, so exports match the screen.
 */
import type { PlotSpec } from '../../shared/domain/figure.js';
import type { RenderSvgOptions } from '../../shared/figures/export-page.js';
import type { RendererInfo } from './provenance.js';

export interface PageSize {
  widthMm: number;
  heightMm: number;
}

export interface ExportBackend {
  /** Engine and plotly.js versions, for provenance. */
  describe(): Promise<RendererInfo>;
  /** plotly's SVG of a spec drawn at exactly widthPx × heightPx, rasters redrawn at dpi. */
  renderSvg(spec: PlotSpec, options: RenderSvgOptions): Promise<string>;
  /** A finished SVG page printed to a one-page vector PDF of exactly that size, fonts embedded. */
  pdf(svg: string, page: PageSize): Promise<Uint8Array>;
  /** A finished SVG page as a PNG of round(size × dpi / 25.4) pixels (no resolution chunk yet). */
  png(svg: string, page: PageSize, dpi: number): Promise<Uint8Array>;
  /** A self-contained HTML document printed to PDF on A4 pages, once it sets window.cajalReady. */
  printHtml(html: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

export type BackendFactory = () => Promise<ExportBackend>;

/** Name of the flag a printed HTML document sets once its plots are drawn. */
export const READY_FLAG = 'cajalReady';

/** The default engine: a system Chromium through playwright-core, loaded only when an export needs it. */
export const systemBrowserBackend: BackendFactory = async () => (await import('./playwright-backend.js')).playwrightBackend();
