export { startServer, buildServices, openMailer, type RunningServer, type ServerOverrides } from './main.ts';
export { loadConfig, unknownVariables, ConfigError, settings, type Config } from './config/index.ts';
export { createLogger } from './logger.ts';
export { openStorage } from './adapters/open-storage.ts';
