/** An email to one recipient. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail. Implementations: SMTP, or an outbox folder when no mail server is configured. */
export interface Mailer {
  /** Resolves once the mail is handed over (to the SMTP server, or written to disk). */
  send(mail: Mail): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
