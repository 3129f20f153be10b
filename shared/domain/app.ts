export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' inside the desktop app (or Electron running as Node), 'node' otherwise. */
  runtime: 'node' | 'electron';
  nodeVersion: string;
  electronVersion: string | null;
  platform: string;
  arch: string;
  dataDir: string;
  dbPath: string;
  workers: number;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  time: string;
}
