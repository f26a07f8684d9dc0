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
  // "listening" and here, stops it once started instead of killing the process mid-way. From the
  // first signal, a second one, or a start-up and shutdown that outlast the shutdown timeout (a
  // database that does not answer), end the process at once.
  let stopWith: ((signal: string) => void) | undefined;
  let early: string | undefined;
  // On standard error until the server's logger exists.
  let say = (message: string): void => {
    process.stderr.write(`natter: ${message}\n`);
  };
  const heard = (signal: string) => () => {
    process.once(signal, () => process.exit(1));
    setTimeout(() => {
      say('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeout * 1000).unref();
    if (stopWith !== undefined) {
      stopWith(signal);
      return;
    }
    early ??= signal;
    say(`${signal} while starting; stopping once started`);
  };
  process.once('SIGTERM', heard('SIGTERM'));
  process.once('SIGINT', heard('SIGINT'));
  const server = await startServer(config);
  say = (message) => {
    server.logger.error({}, message);
  };
  for (const name of unknownVariables(process.env)) {
    server.logger.warn({ variable: name }, 'unknown NATTER_ variable ignored; is it misspelt?');
  }
  await new Promise<void>((resolve) => {
    stopWith = (signal: string) => {
      server.logger.info({ signal }, 'shutting down');
      server.close().then(resolve, (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        resolve();
      });
    };
    if (early !== undefined) stopWith(early);
  });
  return 0;
}
