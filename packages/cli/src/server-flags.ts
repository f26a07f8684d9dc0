import { accessSync, constants } from 'node:fs';

/**
 * The V8 flags `natter serve` runs with. V8 reads them only as the process starts, so `natter
 * serve` starts itself again with them, in the same process (`process.execve`: same pid, same
 * open files and CPU affinity, no second process), unless the operator already chose that flag on
 * the command line or in NODE_OPTIONS. Where `process.execve` is missing (Windows) or the
 * executable cannot be run again, the server runs with V8's defaults.
 *
 * `--max-semi-space-size=16` caps the young generation at two 16 MB halves. Left alone, V8 grows
 * it to its largest size during any burst of allocation, such as 19,500 clients connecting at
 * once, and keeps it: the bench's S1 measured 9.6–10.0 KB of RSS per connection, of which about
 * 3 KB was that growth, and 5.6–7.5 KB with the cap, with the same handshake times, S3 latencies
 * and S4 catch-up within the machine's noise (docs/performance.md). A smaller cap (4 MB) took
 * more scavenges than a reconnect storm could afford: S4's catch-up p99 went from 0.6 to 6.7 s.
 */
export const serverV8Flags: readonly string[] = ['--max-semi-space-size=16'];

/** The flag's name without its value: `--max-semi-space-size=16` → `--max-semi-space-size`. */
function flagName(flag: string): string {
  return flag.split('=', 1)[0] ?? flag;
}

/** True when `flags` set `name` (`--name=value` or `--name value`; V8 also reads underscores). */
function sets(flags: readonly string[], name: string): boolean {
  const wanted = name.replaceAll('_', '-');
  return flags.some((flag) => flagName(flag).replaceAll('_', '-') === wanted);
}

/**
 * The arguments to start this process again with the server's flags (after the node executable),
 * or undefined when it already runs with each of them or the operator chose their own value.
 * `argv` is process.argv: the executable, the script, then the command's arguments.
 */
export function relaunchArguments(
  argv: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] | undefined {
  const chosen = [...execArgv, ...(nodeOptions ?? '').split(/\s+/).filter((word) => word.length > 0)];
  const missing = serverV8Flags.filter((flag) => !sets(chosen, flagName(flag)));
  if (missing.length === 0) return undefined;
  return [...missing, ...execArgv, ...argv.slice(1)];
}

/**
 * Replaces this process with itself started with the server's V8 flags, when they are missing
 * and the platform can. Returns only when it does not (nothing to add, or no execve). Node 24
 * aborts the process when execve(2) itself fails instead of throwing, so the executable is checked
 * first; where the relaunch is not wanted, setting the flag in NODE_OPTIONS skips it.
 */
export function relaunchWithServerFlags(): void {
  const args = relaunchArguments(process.argv, process.execArgv, process.env.NODE_OPTIONS);
  if (args === undefined || typeof process.execve !== 'function') return;
  try {
    accessSync(process.execPath, constants.X_OK);
  } catch {
    return; // Not executable any more (replaced during an upgrade?): run with V8's defaults.
  }
  process.execve(process.execPath, [process.execPath, ...args], process.env);
}
