/** What every command gets: output streams and a way to boot the same services the app runs. */
import { defaultDataDir } from '../paths.js';
import { Studio } from '../services/studio.js';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
};

export async function bootStudio(io: CliIO): Promise<Studio> {
  return Studio.boot({
    dataDir: defaultDataDir(),
    echo: (line) => {
      if (line.level === 'warn' || line.level === 'error') io.err(`${line.level}: ${line.message}`);
    },
  });
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
