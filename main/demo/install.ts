/**
 * On first launch the studio creates the "Demo" project with the simulated recording, written
 * into the data directory (the user's own files are never touched). Deleting Demo is respected:
 * it is created once per data directory.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../../shared/domain/project.js';
import { writeNpy } from '../io/npy.js';
import type { Studio } from '../services/studio.js';
import { DEMO_DEFAULTS, simulateDemo } from './simulate.js';

const FLAG = 'demo.installed';

export async function writeDemoFiles(dir: string): Promise<{ traces: string; assemblies: string }> {
  mkdirSync(dir, { recursive: true });
  const demo = simulateDemo(DEMO_DEFAULTS);
  const { neurons, frames } = DEMO_DEFAULTS;
  const traces = join(dir, 'demo-calcium.npy');
  const assemblies = join(dir, 'demo-assemblies.npy');
  await writeNpy(traces, { dtype: 'float32', shape: [neurons, frames], data: demo.traces });
  await writeNpy(assemblies, { dtype: 'int32', shape: [neurons], data: demo.assembly });
  return { traces, assemblies };
}

export async function ensureDemo(studio: Studio): Promise<Project | null> {
  if (studio.store.settings.get(FLAG, false)) return null;
  const files = await writeDemoFiles(join(studio.dataDir, 'demo'));
  const dataset = await studio.datasets.describe({
    path: files.traces,
    name: `Simulated calcium imaging (${DEMO_DEFAULTS.neurons} neurons, ${DEMO_DEFAULTS.rate} Hz)`,
    rate: DEMO_DEFAULTS.rate,
  });
  const project = studio.store.tx(() => {
    const created = studio.store.projects.create('Demo');
    studio.store.datasets.add({ projectId: created.id, ...dataset });
    studio.store.settings.set(FLAG, true);
    return created;
  });
  studio.log.info(`created the Demo project with a simulated recording in ${join(studio.dataDir, 'demo')}`);
  return project;
}
