/**
 * The demo recording: a deterministic simulated calcium-imaging session. Neurons belong to planted
 * assemblies whose members fire together in transient events, each assembly active in its own
 * epochs (so the functional connectome changes over time); everyone also fires independently.
 * Spikes are convolved with a GCaMP-like double-exponential kernel, scaled by each cell's baseline
 * fluorescence, with slow drift and shot noise added. Same seed → same bytes.
 */
import { Rng } from '../util/rng.js';

export interface DemoOptions {
  neurons: number;
  frames: number;
  rate: number;
  seed: number;
}

export const DEMO_DEFAULTS: DemoOptions = { neurons: 120, frames: 6000, rate: 10, seed: 20241104 };

export interface AssemblyPlan {
  /** Member neuron indices. */
  members: number[];
  /** Active epochs as [startFrame, endFrame). */
  epochs: Array<[number, number]>;
}

export interface DemoRecording {
  /** Raw fluorescence, neurons × frames, float32. */
  traces: Float32Array;
  /** Assembly index per neuron (-1: none). */
  assembly: Int32Array;
  assemblies: AssemblyPlan[];
  /** Cell positions in a 512 × 512 px field of view, neurons × 2 (x, y). */
  coordinates: Float32Array;
  /** Spike counts per frame, neurons × frames (ground truth). */
  spikes: Uint8Array;
  options: DemoOptions;
}

/** Epochs as fractions of the session: A early, B late, C throughout, D in the middle. */
const EPOCHS: Array<Array<[number, number]>> = [
  [[0.0, 0.45]],
  [[0.55, 1.0]],
  [[0.0, 1.0]],
  [
    [0.25, 0.5],
    [0.7, 0.85],
  ],
];

export function simulateDemo(options: DemoOptions = DEMO_DEFAULTS): DemoRecording {
  const { neurons: n, frames: t, rate, seed } = options;
  const rng = new Rng(seed);
  const nAssemblies = EPOCHS.length;
  const perAssembly = Math.floor((n * 0.6) / nAssemblies);

  // Assign members: a shuffled order, the first 60 % split into assemblies, the rest unassigned.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const assembly = new Int32Array(n).fill(-1);
  const assemblies: AssemblyPlan[] = EPOCHS.map((epochs, a) => {
    const members = order.slice(a * perAssembly, (a + 1) * perAssembly).sort((x, y) => x - y);
    for (const m of members) assembly[m] = a;
    return { members, epochs: epochs.map(([s, e]) => [Math.round(s * t), Math.round(e * t)] as [number, number]) };
  });

  // Positions: assembly members cluster around their assembly's centre; others anywhere.
  const centres = [
    [140, 140],
    [370, 150],
    [150, 370],
    [370, 370],
  ];
  const coordinates = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = assembly[i];
    const [cx, cy] = a >= 0 ? centres[a] : [256, 256];
    const spread = a >= 0 ? 45 : 160;
    coordinates[2 * i] = Math.min(511, Math.max(0, cx + spread * rng.normal()));
    coordinates[2 * i + 1] = Math.min(511, Math.max(0, cy + spread * rng.normal()));
  }

  // Spikes: background Poisson firing plus assembly events (members join with p = 0.8, ±1 frame jitter).
  const spikes = new Uint8Array(n * t);
  const background = 0.04 / rate; // 0.04 Hz per neuron
  for (let k = 0; k < n * t; k++) if (rng.uniform() < background) spikes[k]++;
  const eventRate = 0.05 / rate; // an assembly event every 20 s on average while active
  for (const plan of assemblies) {
    for (const [s, e] of plan.epochs) {
      for (let f = s; f < e; f++) {
        if (rng.uniform() >= eventRate) continue;
        for (const m of plan.members) {
          if (rng.uniform() >= 0.8) continue;
          const at = Math.min(t - 1, Math.max(0, f + rng.int(3) - 1));
          spikes[m * t + at] += 1 + (rng.uniform() < 0.3 ? 1 : 0);
        }
      }
    }
  }

  // Calcium: double-exponential kernel (rise 0.07 s, decay 0.9 s), ΔF/F amplitude ~0.6 per spike.
  const tauRise = 0.07 * rate;
  const tauDecay = 0.9 * rate;
  const kernelLength = Math.ceil(6 * tauDecay);
  const kernel = new Float64Array(kernelLength);
  let peak = 0;
  for (let k = 0; k < kernelLength; k++) {
    kernel[k] = Math.exp(-k / tauDecay) - Math.exp(-k / tauRise);
    peak = Math.max(peak, kernel[k]);
  }
  for (let k = 0; k < kernelLength; k++) kernel[k] /= peak;

  const traces = new Float32Array(n * t);
  const dff = new Float64Array(t);
  for (let i = 0; i < n; i++) {
    dff.fill(0);
    const amplitude = 0.45 + 0.3 * rng.uniform();
    for (let f = 0; f < t; f++) {
      const s = spikes[i * t + f];
      if (!s) continue;
      const a = s * amplitude * Math.exp(0.15 * rng.normal());
      const stop = Math.min(t, f + kernelLength);
      for (let g = f; g < stop; g++) dff[g] += a * kernel[g - f];
    }
    const f0 = 100 + 200 * rng.uniform();
    const driftPhase = 2 * Math.PI * rng.uniform();
    const driftPeriod = t * (0.5 + rng.uniform());
    for (let f = 0; f < t; f++) {
      const drift = 0.05 * Math.sin((2 * Math.PI * f) / driftPeriod + driftPhase);
      traces[i * t + f] = f0 * (1 + drift + dff[f] + 0.04 * rng.normal());
    }
  }
  return { traces, assembly, assemblies, coordinates, spikes, options };
}
