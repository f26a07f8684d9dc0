import { settings } from '@natter/server';

/** The text of `natter --help`. */
export function helpText(): string {
  const flags = Object.values(settings)
    .map((s) => `  ${s.flag.padEnd(24)} ${s.env}`)
    .join('\n');
  return `natter — self-hosted real-time chat

Usage:
  natter serve [options]                 start the server (Ctrl+C or SIGTERM stops it gracefully)
  natter admin create-user --username NAME --email ADDRESS [--display-name NAME] [--admin]
                                         create an account; the password is read from standard
                                         input (one line) or asked for on a terminal
  natter admin list-users                list every account
  natter admin set-role NAME admin|user  make someone an administrator, or not
  natter admin disable NAME              disable an account and end its sessions
  natter admin enable NAME               enable a disabled account

Options (each also read from its environment variable or from .env; see the README):
${flags}
`;
}
