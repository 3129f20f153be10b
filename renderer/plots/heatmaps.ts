import type { NdArray } from '../../shared/domain/ndarray';
import type { PlotSpec } from './Plot';

/** Diverging blue–white–red, symmetric around zero (colour-blind safe ends). */
export const DIVERGING = [
  [0, '#2166ac'],
  [0.25, '#92c5de'],
  [0.5, '#f7f7f7'],
  [0.75, '#f4a582'],
  [1, '#b2182b'],
];

function rows(m: NdArray): number[][] {
  const [n, k] = m.shape;
  return Array.from({ length: n }, (_, i) => Array.from(m.data.subarray(i * k, (i + 1) * k) as ArrayLike<number>));
}

/** A neurons × neurons correlation matrix, square, neuron 0 at the top. */
export function correlationHeatmap(matrix: NdArray, title = 'Pairwise correlation'): PlotSpec {
  return {
    data: [
      {
        type: 'heatmap',
        z: rows(matrix),
        zmin: -1,
        zmax: 1,
        zmid: 0,
        colorscale: DIVERGING,
        colorbar: { title: { text: 'r', side: 'right' }, thickness: 12, len: 0.8 },
        hovertemplate: 'neuron %{y} × %{x}<br>r = %{z:.3f}<extra></extra>',
      },
    ],
    layout: {
      title: { text: title, font: { size: 12 } },
      xaxis: { title: { text: 'neuron' }, constrain: 'domain' },
      yaxis: { title: { text: 'neuron' }, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' },
    },
  };
}
