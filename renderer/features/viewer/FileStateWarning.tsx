/** The warning shown wherever a dataset's file is used when it changed or went missing since it was added. */
import { Alert, type SxProps, type Theme } from '@mui/material';
import type { DatasetFileState } from '../../../shared/domain/project';

export function FileStateWarning(props: { state: DatasetFileState; path: string; sx?: SxProps<Theme> }) {
  if (props.state === 'changed')
    return (
      <Alert severity="warning" sx={props.sx} data-testid="file-changed">
        The file changed since it was added: views show it as it is now, and results may no longer match earlier runs, which recorded the
        hash it was added with.
      </Alert>
    );
  if (props.state === 'missing')
    return (
      <Alert severity="error" sx={props.sx} data-testid="file-missing">
        The file was moved or deleted ({props.path}): put it back there, or remove this dataset and add the file where it is now.
      </Alert>
    );
  return null;
}
