/** The object tree of an HDF5 file as one walk returned it, with the lookups the readers share. */
import type { H5Node, H5Value } from './engine.js';

export class H5Tree {
  readonly nodes = new Map<string, H5Node>();

  constructor(list: H5Node[]) {
    for (const n of list) this.nodes.set(n.path, n);
  }

  /** The node at a path, following soft links (a few hops at most, so cycles end). */
  get(path: string): H5Node | undefined {
    let node = this.nodes.get(path);
    for (let hops = 0; node?.kind === 'link' && node.target && hops < 8; hops++) node = this.nodes.get(node.target);
    return node?.kind === 'link' ? undefined : node;
  }

  children(path: string): H5Node[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    const out: H5Node[] = [];
    for (const n of this.nodes.values()) {
      if (n.path.startsWith(prefix) && n.path !== '/' && !n.path.slice(prefix.length).includes('/')) out.push(n);
    }
    return out;
  }

  /** A child by name, through soft links. */
  child(path: string, name: string): H5Node | undefined {
    return this.get(path === '/' ? `/${name}` : `${path}/${name}`);
  }

  attr(path: string, name: string): H5Value | undefined {
    return this.get(path)?.attrs?.[name];
  }

  /** Objects the walk could not read; a damaged file shows here. */
  broken(): H5Node[] {
    return [...this.nodes.values()].filter((n) => n.kind === 'broken');
  }

  /** Groups and datasets (not links) whose `neurodata_type` attribute is one of `types`. */
  ofType(...types: string[]): H5Node[] {
    return [...this.nodes.values()].filter((n) => n.kind !== 'link' && types.includes(String(n.attrs?.neurodata_type ?? '')));
  }
}

export function asNumber(v: H5Value): number | undefined {
  const x = Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>)[0] : v;
  const n = typeof x === 'bigint' ? Number(x) : x;
  return typeof n === 'number' ? n : undefined;
}

export function asString(v: H5Value): string | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : undefined;
}

/** Target path of an object-reference value ({ref: path}). */
export function refPath(v: H5Value): string | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  return x && typeof x === 'object' && 'ref' in x && typeof x.ref === 'string' ? x.ref : undefined;
}
