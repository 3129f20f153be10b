/**
 * Figure exports in the desktop app: the export page in a hidden window of a private session
 * (its own app://export/ handler, every other request refused, no permissions), printed with
 * printToPDF and captured through the DevTools protocol at the export's dpi, exactly as the
 * playwright-core backend does with a system Chromium.
 */
import { randomUUID } from 'node:crypto';
import { BrowserWindow, session } from 'electron';
import type { PlotSpec } from '../../shared/domain/figure.js';
import { EXPORT_PAGE_GLOBAL, type RenderSvgOptions } from '../../shared/figures/export-page.js';
import { MM_PER_INCH, mmToPx } from '../../shared/figures/presets.js';
import { READY_FLAG, type BackendFactory, type ExportBackend, type PageSize } from '../figures/backend.js';
import { DOCUMENT_CSP, exportPageDir, exportPageFile, requireExportPage } from '../figures/export-page.js';

const PARTITION = 'cajal-export';
const ORIGIN = 'app://export';
const READY_TIMEOUT_MS = 120_000;

export function electronBackend(pageDir = exportPageDir): BackendFactory {
  return async (): Promise<ExportBackend> => {
    requireExportPage(pageDir);
    const ses = session.fromPartition(PARTITION, { cache: false });
    const documents = new Map<string, string>();
    if (!ses.protocol.isProtocolHandled('app')) {
      ses.protocol.handle('app', async (request) => {
        const url = new URL(request.url);
        if (url.host !== 'export') return new Response('not found', { status: 404 });
        if (url.pathname.startsWith('/doc/')) {
          const html = documents.get(url.pathname.slice('/doc/'.length));
          if (html === undefined) return new Response('not found', { status: 404 });
          return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': DOCUMENT_CSP } });
        }
        const file = await exportPageFile(pageDir, url.pathname);
        return file ? new Response(new Uint8Array(file.body), { headers: file.headers }) : new Response('not found', { status: 404 });
      });
      ses.webRequest.onBeforeRequest((details, callback) => {
        const allowed = details.url.startsWith(`${ORIGIN}/`) || details.url.startsWith('data:') || details.url.startsWith('blob:');
        callback({ cancel: !allowed });
      });
      ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
      ses.setPermissionCheckHandler(() => false);
    }

    const hiddenWindow = () =>
      new BrowserWindow({
        show: false,
        width: 1200,
        height: 900,
        webPreferences: { partition: PARTITION, sandbox: true, contextIsolation: true, nodeIntegration: false, spellcheck: false },
      });
    const win = hiddenWindow();
    await win.loadURL(`${ORIGIN}/index.html`);
    const page = <T>(method: string, ...args: unknown[]): Promise<T> =>
      win.webContents.executeJavaScript(`window.${EXPORT_PAGE_GLOBAL}.${method}(${args.map((a) => JSON.stringify(a)).join(',')})`, true);

    async function showAlone(svg: string, size: PageSize): Promise<{ width: number; height: number }> {
      const width = mmToPx(size.widthMm);
      const height = mmToPx(size.heightMm);
      win.setContentSize(Math.ceil(width), Math.ceil(height));
      await page('show', svg, size);
      return { width, height };
    }

    return {
      async describe() {
        const plotly = await win.webContents.executeJavaScript(`window.${EXPORT_PAGE_GLOBAL}.plotlyVersion`);
        return { engine: `Electron ${process.versions.electron} (Chromium ${process.versions.chrome})`, plotly: String(plotly) };
      },
      renderSvg: (spec: PlotSpec, options: RenderSvgOptions) => page<string>('renderSvg', spec, options),
      async pdf(svg, size) {
        await showAlone(svg, size);
        const pdf = await win.webContents.printToPDF({
          pageSize: { width: size.widthMm / MM_PER_INCH, height: size.heightMm / MM_PER_INCH },
          margins: { top: 0, right: 0, bottom: 0, left: 0 },
          printBackground: true,
          pageRanges: '1',
        });
        return new Uint8Array(pdf);
      },
      async png(svg, size, dpi) {
        const { width, height } = await showAlone(svg, size);
        const devtools = win.webContents.debugger;
        devtools.attach('1.3');
        try {
          const shot = (await devtools.sendCommand('Page.captureScreenshot', {
            format: 'png',
            clip: { x: 0, y: 0, width, height, scale: dpi / 96 },
            captureBeyondViewport: true,
            fromSurface: true,
          })) as { data: string };
          return new Uint8Array(Buffer.from(shot.data, 'base64'));
        } finally {
          devtools.detach();
        }
      },
      async printHtml(html) {
        const id = randomUUID();
        documents.set(id, html);
        const doc = hiddenWindow();
        try {
          await doc.loadURL(`${ORIGIN}/doc/${id}`);
          const started = Date.now();
          while (!(await doc.webContents.executeJavaScript(`window.${READY_FLAG} === true`))) {
            if (Date.now() - started > READY_TIMEOUT_MS) throw new Error('the notebook did not finish drawing its figures');
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return new Uint8Array(await doc.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true }));
        } finally {
          documents.delete(id);
          doc.destroy();
        }
      },
      async close() {
        if (!win.isDestroyed()) win.destroy();
      },
    };
  };
}
