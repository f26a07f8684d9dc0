-- Accounts: users, their sessions and refresh tokens, password reset tokens, failure counters.
-- Times are epoch milliseconds. Ids are chosen by the application (UUIDv7 text), so later tables
-- (rooms, messages, the per-room event log) can reference users(id) the same way.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  -- Written by the adapter with JavaScript's toLowerCase: SQLite's lower() folds ASCII only, and
  -- search must match "Élodie" when given "él".
  display_name_lower TEXT NOT NULL,
  bio TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX users_display_name_lower ON users (display_name_lower);
CREATE INDEX users_admins ON users (role) WHERE role = 'admin';

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_label TEXT,
  user_agent TEXT,
  ip TEXT,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id, created_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Spent tokens are kept (spent_at set) until their session is purged: presenting one again is
-- how a leaked token is detected.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  spent_at INTEGER
) STRICT, WITHOUT ROWID;

CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE reset_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX reset_tokens_user ON reset_tokens (user_id);

CREATE TABLE attempts (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX attempts_last_failure ON attempts (last_failure_at);
