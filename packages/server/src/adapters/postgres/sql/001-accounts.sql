-- Accounts: users, their sessions and refresh tokens, password reset tokens, failure counters.
-- Times are epoch milliseconds (bigint). Ids and keys compare with the "C" collation so that
-- ordering (list paging by id, search by username) is byte order, the same as on SQLite, whatever
-- the database's locale.

CREATE TABLE users (
  id text COLLATE "C" PRIMARY KEY,
  username text COLLATE "C" NOT NULL CONSTRAINT users_username_key UNIQUE,
  email text COLLATE "C" NOT NULL CONSTRAINT users_email_key UNIQUE,
  display_name text NOT NULL,
  -- Written by the adapter with JavaScript's toLowerCase, so folding does not depend on the
  -- database's ctype (lower() folds ASCII only under "C") and matches the SQLite adapter.
  display_name_lower text COLLATE "C" NOT NULL,
  bio text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'user')),
  disabled boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE INDEX users_display_name_lower_idx ON users (display_name_lower);
CREATE INDEX users_admins_idx ON users (role) WHERE role = 'admin';

CREATE TABLE sessions (
  id text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_label text,
  user_agent text,
  ip text,
  created_at bigint NOT NULL,
  last_used_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);

CREATE INDEX sessions_user_idx ON sessions (user_id, created_at);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX sessions_revoked_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Spent tokens are kept (spent_at set) until their session is purged: presenting one again is
-- how a leaked token is detected.
CREATE TABLE refresh_tokens (
  token_hash text COLLATE "C" PRIMARY KEY,
  session_id text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  spent_at bigint
);

CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE reset_tokens (
  token_hash text COLLATE "C" PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);

CREATE INDEX reset_tokens_user_idx ON reset_tokens (user_id);

CREATE TABLE attempts (
  key text COLLATE "C" PRIMARY KEY,
  failures integer NOT NULL,
  last_failure_at bigint NOT NULL
);

CREATE INDEX attempts_last_failure_idx ON attempts (last_failure_at);
