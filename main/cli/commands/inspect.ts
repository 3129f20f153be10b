/**
 * `cajal inspect <file> [--json]`: what is in a file (format, objects, shapes, dtypes, rates) and
 * what the studio can do with each object. Reads only what the reader needs; never writes.
 */
import { resolve } from 'node:path';
import type { FileInfo } from '../../../shared/domain/recording.js';
import { shutdownHdf5 } from '../../io/hdf5/engine.js';
import { inspectFile } from '../../io/registry.js';
import { DataError } from '../../io/types.js';
import { formatBytes } from '../../../shared/util/format.js';
import { parse, UsageError } from '../args.js';
import type { Command } from '../context.js';

/** A plain-text table: columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

export function formatInfo(info: FileInfo): string {
  const rows = info.objects.map((o) => [
    o.path || '(whole file)',
    o.kind,
    o.type ?? '',
    o.shape.length ? o.shape.join(' × ') : '—',
    o.dtype || '—',
    o.rate !== undefined ? `${o.rate} Hz` : '—',
    o.uses.join(', ') || '—',
  ]);
  const head = `${info.path}\n  format ${info.format} · ${formatBytes(info.size)} · ${info.objects.length} object${info.objects.length === 1 ? '' : 's'}`;
  const objects = rows.length
    ? table(['object', 'kind', 'type', 'shape', 'dtype', 'rate', 'the studio can show / use'], rows)
    : '  (no objects)';
  const notes = info.notes.map((n) => `  note: ${n}`).join('\n');
  return [head, '', objects, ...(notes ? ['', notes] : [])].join('\n');
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'what is in a recording file: format, objects, shapes, dtypes, rates and what the studio can do with each',
  usage: 'cajal inspect <file or folder> [--json]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(`usage: ${this.usage}`);
    const path = resolve(positionals[0]);
    try {
      const info = await inspectFile(path);
      io.out(values.json ? JSON.stringify(info, null, 2) : formatInfo(info));
      return 0;
    } catch (error) {
      // Missing, unreadable or unrecognised: the reason names the file and what is wrong.
      if (error instanceof DataError) throw new UsageError(error.message.replace(/\n/g, ' '));
      throw error;
    } finally {
      await shutdownHdf5();
    }
  },
};
