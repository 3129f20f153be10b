/** One logger for main: writes to the data directory's log file and fans out to listeners (the UI). */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLine } from '../shared/domain/app.js';

type Listener = (line: LogLine) => void;

export class Logger {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly file: string | null,
    private readonly echo: (line: LogLine) => void = () => {},
  ) {
    if (file) mkdirSync(dirname(file), { recursive: true });
  }

  onLine(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(level: LogLine['level'], message: string): void {
    const line: LogLine = { level, message, time: new Date().toISOString() };
    if (this.file) {
      try {
        appendFileSync(this.file, `${line.time} ${level.toUpperCase()} ${message}\n`);
      } catch {
        // A full or read-only disk must not take the app down; the line still reaches listeners.
      }
    }
    this.echo(line);
    for (const l of this.listeners) l(line);
  }

  debug(message: string) {
    this.write('debug', message);
  }
  info(message: string) {
    this.write('info', message);
  }
  warn(message: string) {
    this.write('warn', message);
  }
  error(message: string) {
    this.write('error', message);
  }
}
