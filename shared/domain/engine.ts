/** What the tensor engine runs on, as shown by `cajal info`, the contract and the UI status bar. */

/** The user's choice; 'auto' tries the platform's GPU provider and falls back to the CPU. */
export const PROVIDER_SETTINGS = ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const;
export type ProviderSetting = (typeof PROVIDER_SETTINGS)[number];

/** A provider the engine can actually run on. */
export type ActiveProvider = Exclude<ProviderSetting, 'auto'>;

/** A backend onnxruntime-node lists for this build; `bundled: false` needs an extra install step. */
export interface BackendEntry {
  name: string;
  bundled: boolean;
}

export interface ExecutionProviderInfo {
  /** Backends this onnxruntime-node build lists (listSupportedBackends). */
  available: BackendEntry[];
  requested: ProviderSetting;
  active: ActiveProvider;
  /** Why a GPU provider that was requested, or tried by 'auto', is not active; null when none failed. */
  fallbackReason: string | null;
  /** Intra-op threads per session. */
  threads: number;
  /** Parallel workers the threads were divided among. */
  workers: number;
  /** onnxruntime-node version. */
  runtimeVersion: string;
}
