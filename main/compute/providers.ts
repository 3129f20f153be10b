/**
 * Execution providers: what this onnxruntime-node build lists, which one a setting asks for, and a
 * probe that loads it once per process so a provider that cannot load falls back to the CPU with the
 * reason instead of failing every fit.
 *
 * CUDA on Linux x64 is listed but not bundled: its libraries come with
 *   ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node
 * (or `npm install --onnxruntime-node-install=cuda12`), plus CUDA 12 and cuDNN 9 on the machine.
 * DirectML ships with the Windows build and CoreML with the macOS build.
 */
import ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ActiveProvider, BackendEntry, ProviderSetting } from '../../shared/domain/engine.js';
import { encodeModel } from './onnx-model.js';

const GPU_BY_PLATFORM: Partial<Record<NodeJS.Platform, ActiveProvider>> = { linux: 'cuda', win32: 'dml', darwin: 'coreml' };

const CUDA_INSTALL_HINT = 'install its libraries with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (needs CUDA 12 and cuDNN 9)';

export function listBackends(): BackendEntry[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

export function runtimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

/** Providers to try in order; the CPU is always the last resort. */
export function candidates(setting: ProviderSetting, platform: NodeJS.Platform = process.platform): ActiveProvider[] {
  if (setting === 'cpu') return ['cpu'];
  if (setting !== 'auto') return [setting, 'cpu'];
  const gpu = GPU_BY_PLATFORM[platform];
  return gpu ? [gpu, 'cpu'] : ['cpu'];
}

const probes = new Map<ActiveProvider, Promise<string | null>>();

/** Why `provider` cannot run here, or null when it loads; memoised for the process. */
function probeProvider(provider: ActiveProvider): Promise<string | null> {
  let p = probes.get(provider);
  if (!p) {
    p = probe(provider);
    probes.set(provider, p);
  }
  return p;
}

async function probe(provider: ActiveProvider): Promise<string | null> {
  if (provider === 'cpu') return null;
  const listed = listBackends();
  if (!listed.some((b) => b.name === provider)) {
    return `${provider} is not in this onnxruntime-node build (it lists ${listed.map((b) => b.name).join(', ')})`;
  }
  if (provider === 'cuda' && !cudaLibraryPresent()) return `the CUDA provider library is not installed; ${CUDA_INSTALL_HINT}`;
  try {
    const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [provider], logSeverityLevel: 4 });
    await session.release();
    return null;
  } catch (e) {
    const hint = provider === 'cuda' ? `; ${CUDA_INSTALL_HINT}` : '';
    return `${provider} failed to load: ${(e as Error).message}${hint}`;
  }
}

/** Checking the file first spares the user ONNX Runtime's own load-failure message on every start. */
function cudaLibraryPresent(): boolean {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const bin = join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(join(bin, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return true; // cannot tell; let the load attempt decide
  }
}

function probeModel(): Uint8Array {
  const x = { name: 'x', dtype: 'float32' as const, shape: [1] };
  return encodeModel({ nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['y'] }], inputs: [x], outputs: [{ name: 'y', onnxName: 'y', dtype: 'float32' }], constants: [] });
}

export interface ProviderChoice {
  active: ActiveProvider;
  fallbackReason: string | null;
}

export async function chooseProvider(setting: ProviderSetting, platform: NodeJS.Platform = process.platform): Promise<ProviderChoice> {
  const reasons: string[] = [];
  for (const provider of candidates(setting, platform)) {
    const reason = await probeProvider(provider);
    if (reason === null) return { active: provider, fallbackReason: reasons.length ? reasons.join('; ') : null };
    reasons.push(reason);
  }
  throw new Error(`no execution provider could load: ${reasons.join('; ')}`);
}
