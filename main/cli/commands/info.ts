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
      const i = studio.info();
      if (values.json) {
        io.out(JSON.stringify(i, null, 2));
      } else {
        io.out(
          [
            `${i.name} ${i.version}`,
            `runtime     ${i.runtime}${i.electronVersion ? ` (Electron ${i.electronVersion})` : ''}, Node ${i.nodeVersion}, ${i.platform}-${i.arch}`,
            `workers     ${i.workers}`,
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
