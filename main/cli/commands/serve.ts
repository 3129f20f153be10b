import { ensureDemo } from '../../demo/install.js';
import { startHost } from '../../host/server.js';
import { paths } from '../../paths.js';
import { Router, studioHandlers } from '../../router.js';
import { parse, UsageError } from '../args.js';
import { bootStudio, type Command } from '../context.js';
import { openInBrowser } from '../open-browser.js';

export const serve: Command = {
  name: 'serve',
  summary: 'start the browser host and print its URL (with the access token)',
  usage: 'cajal serve [--port N] [--open]',
  async run(argv, io) {
    const { values } = parse(argv, { port: { type: 'string' }, open: { type: 'boolean' } }, false);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be an integer in 0..65535, got ${values.port}`);
    const t0 = performance.now();
    const studio = await bootStudio(io);
    await ensureDemo(studio);
    const router = new Router(studioHandlers(studio), (channel, error) => studio.log.warn(`${channel}: ${error.code}: ${error.message}`));
    const host = await startHost({ router, events: studio.events, log: studio.log, staticDir: paths.renderer, port });
    io.out(`Cajal Studio is serving at ${host.openUrl}`);
    io.err(`ready in ${Math.round(performance.now() - t0)} ms; press Ctrl+C to stop`);
    if (values.open) openInBrowser(host.openUrl, io);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await host.close();
    await studio.shutdown();
    return 0;
  },
};
