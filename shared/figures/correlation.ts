import type { NdArray } from '../domain/ndarray.js';
import type { FigureSpec } from '../domain/figure.js';
import { DIVERGING, paperAxis, paperLayout } from './style.js';

function rows(m: NdArray): number[][] {
  const [n, k] = m.shape;
  return Array.from({ length: n }, (_, i) => Array.from(m.data.subarray(i * k, (i + 1) * k) as ArrayLike<number>, (v) => Number(v)));
}

/** The correlation analysis's default figure: the neurons × neurons matrix, neuron 0 at the top. */
export function correlationFigure(
  matrix: NdArray,
  params: { method: string; startFrame: number; endFrame: number | null },
  frames: number,
): FigureSpec {
  const z = rows(matrix);
  const n = z.length;
  const table = { columns: ['neuron_i', 'neuron_j', 'r'], rows: [] as Array<Array<number>> };
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) table.rows.push([i, j, z[i][j]]);
  const method = params.method === 'spearman' ? 'Spearman rank' : 'Pearson';
  return {
    key: 'correlation-heatmap',
    title: `Pairwise ${method} correlation`,
    plot: {
      data: [
        {
          type: 'heatmap',
          z,
          zmin: -1,
          zmax: 1,
          zmid: 0,
          colorscale: DIVERGING,
          colorbar: { title: { text: 'r', side: 'right' }, thickness: 10, len: 0.9, outlinewidth: 0 },
          hovertemplate: 'neuron %{y} × %{x}<br>r = %{z:.3f}<extra></extra>',
        },
      ],
      layout: paperLayout(`Pairwise ${method} correlation`, {
        xaxis: paperAxis('neuron', { constrain: 'domain' }),
        yaxis: paperAxis('neuron', { autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' }),
      }),
    },
    table,
    methods:
      `${method} correlation coefficients were computed between the traces of all ${n} neurons over ${frames} frames` +
      (params.startFrame > 0 || params.endFrame !== null ? ` (frames ${params.startFrame}–${params.endFrame ?? 'end'})` : '') +
      '.',
  };
}
