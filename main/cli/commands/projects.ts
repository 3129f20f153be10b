import { parse, UsageError } from '../args.js';
import { bootStudio, type Command } from '../context.js';

export const projects: Command = {
  name: 'projects',
  summary: 'list projects',
  usage: 'cajal projects list [--json]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
    if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError(`usage: ${this.usage}`);
    const studio = await bootStudio(io);
    try {
      const rows = studio.store.projects.list().map((p) => ({
        ...p,
        datasets: studio.store.datasets.list(p.id).length,
        runs: studio.store.runs.list(p.id).length,
      }));
      if (values.json) io.out(JSON.stringify(rows, null, 2));
      else if (rows.length === 0) io.out('no projects');
      else for (const p of rows) io.out(`${String(p.id).padStart(4)}  ${p.name}  (${p.datasets} datasets, ${p.runs} runs)`);
      return 0;
    } finally {
      await studio.shutdown();
    }
  },
};
