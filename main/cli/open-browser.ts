import { spawn } from 'node:child_process';
import type { CliIO } from './context.js';

/** Opens a URL in the default browser when the platform has one; says so when it has none. */
export function openInBrowser(url: string, io: CliIO): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => io.err('no default browser found: open the URL above yourself'));
  child.unref();
}
