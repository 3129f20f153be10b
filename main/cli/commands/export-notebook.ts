import { parse, UsageError } from '../args.js';
import { bootStudio, type Command } from '../context.js';
import { asUsage, idArgument } from './export-figure.js';

export const exportNotebook: Command = {
  name: 'export-notebook',
  summary: 'export a notebook as one self-contained HTML file (interactive figures) or as PDF',
  usage: 'cajal export-notebook <notebook-id> --format html|pdf --out <file>',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { format: { type: 'string' }, out: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError(`usage: ${this.usage}`);
    const id = idArgument(positionals[0], 'the notebook id', this.usage);
    const format = values.format;
    if (format !== 'html' && format !== 'pdf') throw new UsageError(`--format must be html or pdf, got '${format ?? ''}'`);
    if (!values.out) throw new UsageError('--out <file> is required');
    const out = values.out;
    const studio = await bootStudio(io);
    try {
      const file = await asUsage(() => studio.notebooks.export(id, format, out));
      io.out(`notebook ${id} exported as ${format.toUpperCase()}: ${file}`);
      return 0;
    } finally {
      await studio.shutdown();
    }
  },
};
