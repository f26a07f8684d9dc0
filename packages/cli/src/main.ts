import { adminCommand } from './admin.command.ts';
import { serveCommand } from './serve.command.ts';
import { helpText } from './help.ts';

const [command, ...rest] = process.argv.slice(2);

const commands: Record<string, (args: string[]) => Promise<number>> = {
  serve: serveCommand,
  admin: adminCommand,
};

async function main(): Promise<number> {
  // Everything Natter writes (database, signing key, outbox mail) is for its own user only,
  // whichever command creates it first.
  process.umask(0o077);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(helpText());
    return 0;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`natter: unknown command "${command}". Try \`natter --help\`.\n`);
    return 2;
  }
  return run(rest);
}

process.exitCode = await main();
