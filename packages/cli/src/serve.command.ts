import { ConfigError, loadConfig, startServer, unknownVariables } from '@natter/server';

/** `natter serve`: run until SIGTERM or SIGINT, then shut down gracefully. */
export async function serveCommand(args: string[]): Promise<number> {
  let config;
  try {
    config = loadConfig({ argv: args });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`natter: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // Signals are heard from before the server starts: one that arrives while it starts, or between
  // "listening" and here, stops it once started instead of killing the process mid-way. A start
  // that does not finish within the shutdown timeout (a database that does not answer) is ended.
  let stopWith: ((signal: string) => void) | undefined;
  let early: string | undefined;
  const heard = (signal: string) => () => {
    if (stopWith !== undefined) {
      stopWith(signal);
      return;
    }
    early ??= signal;
    process.stderr.write(`natter: ${signal} while starting; stopping once started\n`);
    setTimeout(() => {
      process.stderr.write('natter: still starting after the shutdown timeout; exiting\n');
      process.exit(1);
    }, config.shutdownTimeout * 1000).unref();
    process.once(signal, () => process.exit(1));
  };
  process.once('SIGTERM', heard('SIGTERM'));
  process.once('SIGINT', heard('SIGINT'));
  const server = await startServer(config);
  for (const name of unknownVariables(process.env)) {
    server.logger.warn({ variable: name }, 'unknown NATTER_ variable ignored; is it misspelt?');
  }
  await new Promise<void>((resolve) => {
    stopWith = (signal: string) => {
      server.logger.info({ signal }, 'shutting down');
      // A second signal, or a shutdown that hangs, ends the process at once.
      const force = setTimeout(() => {
        server.logger.error({}, 'shutdown took too long; exiting');
        process.exit(1);
      }, config.shutdownTimeout * 1000);
      force.unref();
      process.once(signal, () => process.exit(1));
      server.close().then(resolve, (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        resolve();
      });
    };
    if (early !== undefined) stopWith(early);
  });
  return 0;
}
