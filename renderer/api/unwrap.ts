import { StudioError, type WireError } from '../../shared/ipc/contract';

export type WireResult = { ok: true; value: unknown } | { ok: false; error: WireError };

export function unwrap<T>(result: WireResult): T {
  if (result.ok) return result.value as T;
  throw new StudioError(result.error.code, result.error.message);
}
