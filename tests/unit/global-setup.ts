/** Builds main's bundles once: worker-thread tests run the same built worker the app ships. */
import { buildMain } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await buildMain();
}
