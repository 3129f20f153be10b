/** Error and status messages that say what failed, one at a time, in the corner. */
import { Alert, Snackbar } from '@mui/material';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

export type Severity = 'error' | 'warning' | 'info' | 'success';
interface Notice {
  id: number;
  severity: Severity;
  message: string;
}

type Notify = (severity: Severity, message: string) => void;
const NotifyContext = createContext<Notify>(() => {});

export function useNotify(): Notify {
  return useContext(NotifyContext);
}

/** The user-facing text of any failure: StudioError messages already name what failed. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [queue, setQueue] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((severity, message) => {
    setQueue((q) => [...q, { id: Date.now() + Math.random(), severity, message }]);
  }, []);
  const current = queue[0];
  const close = () => setQueue((q) => q.slice(1));
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <Snackbar
        key={current?.id}
        open={Boolean(current)}
        autoHideDuration={current?.severity === 'error' ? 12000 : 4000}
        onClose={(_e, reason) => reason !== 'clickaway' && close()}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
      >
        {current ? (
          <Alert
            severity={current.severity}
            variant="filled"
            onClose={close}
            sx={{ maxWidth: 560, whiteSpace: 'pre-wrap' }}
            data-testid="notice"
          >
            {current.message}
          </Alert>
        ) : undefined}
      </Snackbar>
    </NotifyContext.Provider>
  );
}
