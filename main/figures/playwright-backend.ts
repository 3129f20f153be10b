/**
 * Exports drawn by a system Chromium/Chrome/Edge driven through playwright-core (CLI and browser
 * host). The export page is served from out/export under a private origin by request
 * interception; every other request is refused, so nothing remote is ever loaded.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PlotSpec } from '../../shared/domain/figure.js';
import { EXPORT_PAGE_GLOBAL, type RenderSvgOptions } from '../../shared/figures/export-page.js';
import { mmToPx } from '../../shared/figures/presets.js';
import { READY_FLAG, type ExportBackend, type PageSize } from './backend.js';
import { findBrowser } from './browser-path.js';
import { DOCUMENT_CSP, exportPageDir, exportPageFile, requireExportPage } from './export-page.js';

const ORIGIN = 'http://export.cajal.invalid';
const TIMEOUT_MS = 120_000;

export interface PlaywrightBackendOptions {
  executablePath?: string;
  pageDir?: string;
}

export async function playwrightBackend(options: PlaywrightBackendOptions = {}): Promise<ExportBackend> {
  const pageDir = options.pageDir ?? exportPageDir;
  requireExportPage(pageDir);
  const executablePath = options.executablePath ?? findBrowser();
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({
    executablePath,
    headless: true,
    // Unhinted glyph metrics: text is measured as it prints, the same at every scale.
    args: [
      '--font-render-hinting=none',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });

  async function exportContext(viewport = { width: 1200, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(TIMEOUT_MS);
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) return route.abort('blockedbyclient');
      const file = await exportPageFile(pageDir, url.pathname);
      if (!file) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ status: 200, headers: file.headers, body: file.body });
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => lastPageError.push(error.message));
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction((name) => name in globalThis, EXPORT_PAGE_GLOBAL);
    return { context, page };
  }
  const lastPageError: string[] = [];

  // One page draws every SVG; printing and screenshots get a fresh page of the figure's size.
  let main: Promise<{ context: BrowserContext; page: Page }> | null = null;
  const mainPage = async () => (await (main ??= exportContext())).page;

  async function showAlone(page: Page, svg: string, size: PageSize): Promise<void> {
    await page.evaluate(
      ([name, s, p]) => (globalThis as unknown as Record<string, { show: (s: string, p: PageSize) => Promise<void> }>)[name].show(s, p),
      [EXPORT_PAGE_GLOBAL, svg, size] as const,
    );
  }

  return {
    async describe() {
      const plotly = await (
        await mainPage()
      ).evaluate((name) => (globalThis as unknown as Record<string, { plotlyVersion: string }>)[name].plotlyVersion, EXPORT_PAGE_GLOBAL);
      return { engine: `${browser.browserType().name()} ${browser.version()} (${executablePath})`, plotly };
    },
    async renderSvg(spec: PlotSpec, opts: RenderSvgOptions) {
      const page = await mainPage();
      try {
        return await page.evaluate(
          ([name, s, o]) =>
            (globalThis as unknown as Record<string, { renderSvg: (s: PlotSpec, o: RenderSvgOptions) => Promise<string> }>)[name].renderSvg(
              s,
              o,
            ),
          [EXPORT_PAGE_GLOBAL, spec, opts] as const,
        );
      } catch (error) {
        const detail = lastPageError.splice(0).join('; ');
        throw new Error(
          `plotly could not draw the figure: ${error instanceof Error ? error.message : String(error)}${detail ? ` (${detail})` : ''}`,
        );
      }
    },
    async pdf(svg, size) {
      const { context, page } = await exportContext({ width: Math.ceil(mmToPx(size.widthMm)), height: Math.ceil(mmToPx(size.heightMm)) });
      try {
        await showAlone(page, svg, size);
        const pdf = await page.pdf({
          width: `${size.widthMm}mm`,
          height: `${size.heightMm}mm`,
          margin: { top: '0', right: '0', bottom: '0', left: '0' },
          printBackground: true,
          pageRanges: '1',
        });
        return new Uint8Array(pdf);
      } finally {
        await context.close();
      }
    },
    async png(svg, size, dpi) {
      const width = mmToPx(size.widthMm);
      const height = mmToPx(size.heightMm);
      const { context, page } = await exportContext({ width: Math.ceil(width), height: Math.ceil(height) });
      try {
        await showAlone(page, svg, size);
        // The screenshot's own scale re-renders the page at dpi and gives exactly
        // round(size × dpi / 25.4) pixels (a device scale factor would round the page to whole px first).
        const cdp = await context.newCDPSession(page);
        const shot = await cdp.send('Page.captureScreenshot', {
          format: 'png',
          clip: { x: 0, y: 0, width, height, scale: dpi / 96 },
          captureBeyondViewport: true,
          fromSurface: true,
        });
        return new Uint8Array(Buffer.from(shot.data, 'base64'));
      } finally {
        await context.close();
      }
    },
    async printHtml(html) {
      const context = await browser.newContext({ javaScriptEnabled: true });
      context.setDefaultTimeout(TIMEOUT_MS);
      // A self-contained document: any request at all would be remote content.
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      try {
        const page = await context.newPage();
        const csp = `<meta http-equiv="Content-Security-Policy" content="${DOCUMENT_CSP}">`;
        await page.setContent(html.includes('Content-Security-Policy') ? html : html.replace('<head>', `<head>${csp}`), {
          waitUntil: 'load',
        });
        await page.waitForFunction((flag) => (globalThis as unknown as Record<string, unknown>)[flag] === true, READY_FLAG);
        const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
        return new Uint8Array(pdf);
      } finally {
        await context.close();
      }
    },
    async close() {
      await browser.close();
    },
  };
}
