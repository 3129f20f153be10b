/**
 * Communities of one component: its pair loadings as a weighted undirected graph on the neurons,
 * partitioned by Louvain (graphology-communities-louvain, seeded) with the weighted modularity it
 * reaches. Louvain assigns every node somewhere, including neurons the component does not involve,
 * so membership has to stand out: cells are dropped from their Louvain community (weakest first) while
 * their mean loading to the other members is below half the community's mean internal loading, and a community is kept when at least 2 cells remain and its mean internal loading is at
 * least `contrast` times both the mean loading of the pairs leaving it and the component's median
 * pair loading (its baseline: Louvain also groups background cells whose noise happens to align), and
 * exceeds the component's mean pair loading (which rejects residue of other components' structure). Cells of no kept community are
 * reported in none.
 */
import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';

/** A member takes part at least half as much as the community's typical member. */
const MEMBER_FRACTION = 2;

export interface CommunityOptions {
  resolution: number;
  contrast: number;
  /** Uniform [0, 1) source for Louvain's node order. */
  random: () => number;
}

export interface Communities {
  /** Kept communities (0-based cells), by decreasing total internal loading. */
  communities: number[][];
  /** Mean internal pair loading of each kept community. */
  density: number[];
  modularity: number;
  /** Σ_j w_ij per neuron. */
  strength: Float64Array;
  /** Kept community index per neuron, −1 for none. */
  label: Int32Array;
  /** Neurons by kept community (strongest members first), then the rest by strength: the matrix plot's order. */
  order: number[];
}

/** `weights` holds one loading per pair in squareform order (see affinity.ts). */
export function detectCommunities(weights: Float64Array, n: number, options: CommunityOptions): Communities {
  const w = (i: number, j: number) => weights[pairAt(i, j, n)]!;
  let max = 0;
  for (let p = 0; p < weights.length; p++) max = Math.max(max, weights[p]!);
  const strength = new Float64Array(n);
  const graph = new Graph({ type: 'undirected' });
  for (let i = 0; i < n; i++) graph.addNode(String(i));
  // Loadings below 1e-6 of the largest are the solver's numerical residue (its error floor is ~1e-7):
  // no edge, so Louvain leaves uninvolved cells as singletons.
  const floor = max * 1e-6;
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, p++) {
      const x = weights[p]!;
      strength[i] += x;
      strength[j] += x;
      if (x > floor) graph.addUndirectedEdge(String(i), String(j), { weight: x });
    }
  }
  const label = new Int32Array(n).fill(-1);
  if (graph.size === 0)
    return { communities: [], density: [], modularity: 0, strength, label, order: byStrength([...Array(n).keys()], strength) };

  const detailed = louvain.detailed(graph, { getEdgeWeight: 'weight', resolution: options.resolution, rng: options.random });
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = detailed.communities[String(i)]!;
    groups.set(c, [...(groups.get(c) ?? []), i]);
  }
  // Most pairs are not in any community of a component, so the median loading is its baseline.
  const baseline = Float64Array.from(weights).sort()[weights.length >> 1]!;
  const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
  const kept: Array<{ members: number[]; density: number; total: number }> = [];
  const inside = new Uint8Array(n);
  for (const group of groups.values()) {
    inside.fill(0);
    for (const i of group) inside[i] = 1;
    let members = group;
    // Louvain attaches weakly involved cells to some community. Loadings of one component are close to
    // a product u_i·u_j, so a cell's mean loading to the community against the community's own density
    // measures u_i against the members' typical u: drop the weakest cell while that falls below one half.
    for (;;) {
      const m = members.length;
      if (m < 2) break;
      const toIn = members.map((i) => members.reduce((sum, j) => (j === i ? sum : sum + w(i, j)), 0));
      const density = toIn.reduce((a, b) => a + b, 0) / (m * (m - 1));
      let worst = -1;
      toIn.forEach((t, k) => {
        if (t / (m - 1) < density / MEMBER_FRACTION && (worst < 0 || t < toIn[worst]!)) worst = k;
      });
      if (worst < 0) break;
      inside[members[worst]!] = 0;
      members = members.filter((_, k) => k !== worst);
    }
    if (members.length < 2) continue;
    let internal = 0;
    let leaving = 0;
    for (const i of members) {
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        if (inside[j]) internal += w(i, j);
        else leaving += w(i, j);
      }
    }
    internal /= 2;
    const m = members.length;
    const density = internal / ((m * (m - 1)) / 2);
    const outside = m * (n - m);
    const boundary = outside > 0 ? leaving / outside : 0;
    if (density > mean && density >= options.contrast * Math.max(boundary, baseline))
      kept.push({ members: byStrength(members, strength), density, total: internal });
  }
  kept.sort((a, b) => b.total - a.total);
  kept.forEach((c, k) => c.members.forEach((i) => (label[i] = k)));
  const order = [
    ...kept.flatMap((c) => c.members),
    ...byStrength(
      [...Array(n).keys()].filter((i) => label[i] === -1),
      strength,
    ),
  ];
  return {
    communities: kept.map((c) => c.members),
    density: kept.map((c) => c.density),
    modularity: detailed.modularity,
    strength,
    label,
    order,
  };
}

function byStrength(cells: number[], strength: Float64Array): number[] {
  return [...cells].sort((a, b) => strength[b]! - strength[a]! || a - b);
}

/** Squareform index of the pair (i, j), i ≠ j. */
export function pairAt(i: number, j: number, n: number): number {
  const a = Math.min(i, j);
  const b = Math.max(i, j);
  return a * n - (a * (a + 1)) / 2 + (b - a - 1);
}
