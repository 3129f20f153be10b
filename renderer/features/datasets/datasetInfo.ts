/** How the Data tab shows a dataset's file state. */
import type { DatasetFileState } from '../../../shared/domain/project';

export const FILE_STATE: Record<DatasetFileState, { label: string; color: 'success' | 'warning' | 'error'; help: string }> = {
  ok: { label: 'ok', color: 'success', help: 'The file is as it was when added.' },
  changed: { label: 'changed', color: 'warning', help: 'The file changed since it was added: results may no longer match it.' },
  missing: { label: 'missing', color: 'error', help: 'The file was moved or deleted.' },
};
