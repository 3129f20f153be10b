import { EXPORT_FORMATS, PRESETS, type ExportFormat } from '../../../shared/figures/presets.js';
import { StudioError } from '../../../shared/ipc/contract.js';
import { parse, UsageError } from '../args.js';
import { bootStudio, type CliIO, type Command } from '../context.js';

/** A positive id or number flag; a clear usage error otherwise. */
export function numberFlag(value: string | undefined, flag: string, unit: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number of ${unit}, got '${value}'`);
  return n;
}

export function idArgument(value: string | undefined, what: string, usage: string): number {
  if (value === undefined) throw new UsageError(`usage: ${usage}`);
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`${what} must be a positive whole number, got '${value}'`);
  return id;
}

/** Bad input found by the services (unknown figure, deleted run, impossible size): exit code 2. */
export async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StudioError && (error.code === 'invalid-input' || error.code === 'not-found')) throw new UsageError(error.message);
    throw error;
  }
}

function printWritten(io: CliIO, files: { path: string; csv: string[]; provenance: string; methods: string }): void {
  io.out(`  figure      ${files.path}`);
  for (const csv of files.csv) io.out(`  data        ${csv}`);
  io.out(`  provenance  ${files.provenance}`);
  io.out(`  methods     ${files.methods}`);
}

export const exportFigure: Command = {
  name: 'export-figure',
  summary: 'export a stored figure for a journal (SVG, PDF, PNG, TIFF) with its data, provenance and methods text',
  usage:
    'cajal export-figure <figure-id> --format svg|pdf|png|tiff --preset <name> [--width-mm W --height-mm H --dpi D --font-pt P] --out <file> [--json]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      format: { type: 'string' },
      preset: { type: 'string' },
      'width-mm': { type: 'string' },
      'height-mm': { type: 'string' },
      dpi: { type: 'string' },
      'font-pt': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(`usage: ${this.usage}`);
    const figureId = idArgument(positionals[0], 'the figure id', this.usage);
    const format = values.format as ExportFormat | undefined;
    if (!format) throw new UsageError(`--format is required (${EXPORT_FORMATS.join(', ')})`);
    if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`unknown format '${format}' (available: ${EXPORT_FORMATS.join(', ')})`);
    if (values.preset !== undefined && !PRESETS.some((p) => p.id === values.preset)) {
      throw new UsageError(`unknown preset '${values.preset}' (available: ${PRESETS.map((p) => p.id).join(', ')})`);
    }
    if (!values.out) throw new UsageError('--out <file> is required');
    const request = {
      figureId,
      format,
      preset: values.preset,
      widthMm: numberFlag(values['width-mm'], '--width-mm', 'millimetres'),
      heightMm: numberFlag(values['height-mm'], '--height-mm', 'millimetres'),
      dpi: numberFlag(values.dpi, '--dpi', 'dots per inch'),
      fontPt: numberFlag(values['font-pt'], '--font-pt', 'points'),
      out: values.out,
    };
    const studio = await bootStudio(io);
    try {
      const written = await asUsage(() => studio.figures.export(request));
      if (values.json) io.out(JSON.stringify(written, null, 2));
      else {
        const o = written.options;
        io.out(
          `figure ${figureId} exported as ${written.format.toUpperCase()} (${o.preset}, ${o.widthMm} × ${o.heightMm} mm, ${o.fontPt} pt, ${o.dpi} dpi):`,
        );
        printWritten(io, written);
      }
      return 0;
    } finally {
      await studio.shutdown();
    }
  },
};
