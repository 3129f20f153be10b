/**
 * Writing an export's files all or nothing: each goes to a hidden temporary name beside its
 * target, and only when every one is written are they renamed into place (a rename within one
 * folder is atomic), so no reader ever sees half a figure or a figure without its provenance.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';

export interface OutputFile {
  path: string;
  data: Uint8Array | string;
}

export const temporaryName = (path: string, tag: string) => join(dirname(path), `.${basename(path)}.${tag}.partial`);

export async function writeAllOrNothing(files: OutputFile[]): Promise<void> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staged = files.map((f) => ({ ...f, tmp: temporaryName(f.path, tag) }));
  const cleanUp = () => Promise.all(staged.map((f) => rm(f.tmp, { force: true })));
  try {
    for (const dir of new Set(files.map((f) => dirname(f.path)))) await mkdir(dir, { recursive: true });
    for (const f of staged) await writeFile(f.tmp, f.data);
    for (const f of staged) await rename(f.tmp, f.path);
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** A file name from a title: letters, digits and dashes only. */
export function slug(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .replace(/-+/g, '-')
      .toLowerCase()
      .slice(0, 60) || 'untitled'
  );
}

/** Where the studio writes an export it was given no absolute path for: the data directory's exports folder. */
export function exportPath(exportsDir: string, out: string | undefined, fallbackName: string): string {
  if (!out) return join(exportsDir, fallbackName);
  return isAbsolute(out) ? out : join(exportsDir, out);
}
