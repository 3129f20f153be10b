/**
 * Folder listings for the file browser of the browser host, where no native file dialog exists:
 * names, sizes and whether the studio can open each entry. Read-only; hidden entries are left out.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, parse, resolve } from 'node:path';
import type { FolderEntry, FolderListing } from '../../shared/domain/viewer.js';
import { StudioError } from '../../shared/ipc/contract.js';
import { formats } from '../io/registry.js';

/** A listing stops here: folders with more entries are rare and the browser stays fast. */
const MAX_ENTRIES = 5000;

/** A Suite2p output folder (or its parent) opens as one recording. */
function isSuite2pFolder(path: string): boolean {
  return ['F.npy', 'plane0/F.npy', 'suite2p/plane0/F.npy'].some((f) => existsSync(join(path, f)));
}

export async function listFolder(path?: string): Promise<FolderListing> {
  const folder = resolve(path?.trim() || homedir());
  let info;
  try {
    info = await stat(folder);
  } catch {
    throw new StudioError('not-found', `${folder}: no such folder`);
  }
  if (!info.isDirectory()) throw new StudioError('invalid-input', `${folder}: not a folder`);
  let names;
  try {
    names = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new StudioError('bad-data', `${folder}: cannot list the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const extensions = new Set(formats().flatMap((f) => f.extensions));
  const entries: FolderEntry[] = [];
  for (const d of names) {
    if (d.name.startsWith('.') || entries.length >= MAX_ENTRIES) continue;
    const full = join(folder, d.name);
    let s;
    try {
      s = await stat(full);
    } catch {
      continue; // a dangling link or an entry removed meanwhile
    }
    if (s.isDirectory()) entries.push({ name: d.name, path: full, kind: 'folder', size: 0, openable: isSuite2pFolder(full) });
    else if (s.isFile())
      entries.push({ name: d.name, path: full, kind: 'file', size: s.size, openable: extensions.has(extname(d.name).toLowerCase()) });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1));
  const root = parse(folder).root;
  return {
    path: folder,
    parent: folder === root ? null : dirname(folder),
    entries,
    places: [
      { name: 'Home', path: homedir() },
      { name: 'Computer', path: root },
    ],
  };
}
