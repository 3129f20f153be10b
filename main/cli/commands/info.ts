import { parse } from '../args.js';
import { bootStudio, type Command } from '../context.js';

export const info: Command = {
  name: 'info',
  summary: 'version, runtime, execution providers, database path',
  usage: 'cajal info [--json]',
  async run(argv, io) {
    const { values } = parse(argv, { json: { type: 'boolean' } }, false);
    const studio = await bootStudio(io);
    try {
      const i = { ...studio.info(), engine: await studio.engineInfo() };
      if (values.json) {
        io.out(JSON.stringify(i, null, 2));
      } else {
        const e = i.engine;
        io.out(
          [
            `${i.name} ${i.version}`,
            `runtime     ${i.runtime}${i.electronVersion ? ` (Electron ${i.electronVersion})` : ''}, Node ${i.nodeVersion}, ${i.platform}-${i.arch}`,
            `workers     ${i.workers} (${e.threads} engine thread${e.threads === 1 ? '' : 's'} each)`,
            `engine      onnxruntime-node ${e.runtimeVersion} on ${e.active} (setting: ${e.requested})${e.fallbackReason ? ` — ${e.fallbackReason}` : ''}`,
            `providers   ${e.available.map((b) => (b.bundled ? b.name : `${b.name} (needs install)`)).join(', ')}`,
            `data dir    ${i.dataDir}`,
            `database    ${i.dbPath}`,
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      await studio.shutdown();
    }
  },
};
