/**
 * A small NWB session written with h5wasm (the app's own HDF5 library; no Python): a Units table
 * whose spike rates follow the animal's running speed, and two behavioural TimeSeries, speed
 * (`/acquisition/speed`, one channel at 30 Hz from 0 s) and pupil (`/acquisition/pupil`, two
 * channels on irregular timestamps near 47 Hz). For the covariate tests and the e2e flow.
 */
import h5wasm, { type Group } from 'h5wasm/node';
import { Rng } from '../../../main/util/rng.js';

export const SPEED_RATE = 30;
/** Each unit's log-rate change per unit of (speed − 10)/5. */
export const SPEED_WEIGHTS = [0.6, -0.4, 0.2, 0];

function series(parent: Group, name: string): Group {
  const group = parent.create_group(name);
  group.create_attribute('neurodata_type', 'TimeSeries');
  return group;
}

export async function writeSessionNwb(path: string, seconds: number, seed = 11) {
  await h5wasm.ready;
  const rng = new Rng(seed);
  const speed = Float64Array.from({ length: seconds * SPEED_RATE }, (_, i) => 10 + 5 * Math.sin(i / 40) + rng.normal());
  const frames = Math.round(seconds * 47);
  const stamps = Float64Array.from({ length: frames }, (_, i) => (i + 0.5 * rng.uniform()) / 47);
  const pupil = Float64Array.from({ length: frames * 2 }, (_, i) => (i % 2 ? 3 : 1) + rng.normal());
  // Inhomogeneous Poisson spikes by thinning: 8 Hz at speed 10, modulated by each unit's weight.
  const trains = SPEED_WEIGHTS.map((w) => {
    const max = 8 * Math.exp(Math.abs(w) * 4);
    const train: number[] = [];
    for (let at = 0; ;) {
      at += -Math.log(1 - rng.uniform()) / max;
      if (at >= seconds) return train;
      const v = speed[Math.min(speed.length - 1, Math.floor(at * SPEED_RATE))]!;
      if (rng.uniform() < (8 * Math.exp(w * Math.max(-4, Math.min(4, (v - 10) / 5)))) / max) train.push(at);
    }
  });
  const index: number[] = [];
  trains.reduce((sum, train) => (index.push(sum + train.length), sum + train.length), 0);

  const f = new h5wasm.File(path, 'w');
  try {
    f.create_attribute('neurodata_type', 'NWBFile');
    f.create_attribute('nwb_version', '2.7.0');
    f.create_group('acquisition');
    const acquisition = f.get('acquisition') as Group;
    const speedGroup = series(acquisition, 'speed');
    speedGroup.create_dataset({ name: 'data', data: speed, shape: [speed.length] });
    speedGroup.create_dataset({ name: 'starting_time', data: 0 }).create_attribute('rate', SPEED_RATE);
    const pupilGroup = series(acquisition, 'pupil');
    pupilGroup.create_dataset({ name: 'data', data: pupil, shape: [frames, 2] });
    pupilGroup.create_dataset({ name: 'timestamps', data: stamps, shape: [frames] });
    f.create_group('units');
    const units = f.get('units') as Group;
    units.create_attribute('neurodata_type', 'Units');
    units.create_dataset({ name: 'id', data: Int32Array.from(trains.keys()), shape: [trains.length] });
    units.create_dataset({ name: 'spike_times', data: Float64Array.from(trains.flat()), shape: [index.at(-1)!] });
    units.create_dataset({ name: 'spike_times_index', data: Int32Array.from(index), shape: [trains.length] });
  } finally {
    f.close();
  }
  return { speed, stamps, pupil };
}
