export { loadConfig, unknownVariables, ConfigError, type Config, type ConfigSources } from './load-config.ts';
export { settings, type Setting, type SettingName } from './settings.ts';
