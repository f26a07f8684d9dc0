-- Rooms, memberships, messages, the event log and relations between people. Times are epoch
-- milliseconds; JSON values are TEXT. Every change a client must see is written together with its
-- event (room_events or user_events) in one transaction; see adapters/sqlite/sqlite-event-log.ts.

CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'channel')),
  name TEXT NOT NULL,
  -- Written by the adapter with JavaScript's toLowerCase (SQLite's lower() folds ASCII only), so
  -- the directory's case-insensitive match behaves the same on both engines.
  name_lower TEXT NOT NULL,
  topic TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  password_hash TEXT,
  join_code TEXT,
  direct_key TEXT UNIQUE,
  member_count INTEGER NOT NULL DEFAULT 0,
  -- The seq of the room's latest event: the room's stream counter, bumped under the write lock.
  last_seq INTEGER NOT NULL DEFAULT 0,
  -- When the latest event happened: orders a member's rooms, most recently active first.
  last_event_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;

-- Codes compare case-insensitively and are unique among live rooms only: a deleted room frees its code.
CREATE UNIQUE INDEX rooms_join_code_live ON rooms (upper(join_code))
  WHERE join_code IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX rooms_directory ON rooms (id) WHERE deleted_at IS NULL AND visibility = 'public' AND kind <> 'direct';
CREATE INDEX rooms_owner ON rooms (owner_id) WHERE owner_id IS NOT NULL;

-- Memberships keep their history: a membership that ended keeps its row with left_seq set, so a
-- sync can tell where each membership of a room began and ended. At most one is current.
CREATE TABLE memberships (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_seq INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at INTEGER NOT NULL,
  left_seq INTEGER,
  read_seq INTEGER NOT NULL,
  muted_until INTEGER,
  PRIMARY KEY (room_id, user_id, joined_seq)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX memberships_current ON memberships (room_id, user_id) WHERE left_seq IS NULL;
CREATE INDEX memberships_user ON memberships (user_id, room_id, joined_seq);

-- A deleted account takes its memberships with it (ON DELETE CASCADE); keep the count true.
CREATE TRIGGER memberships_count_on_delete AFTER DELETE ON memberships WHEN old.left_seq IS NULL
BEGIN
  UPDATE rooms SET member_count = member_count - 1 WHERE id = old.room_id;
END;

CREATE TABLE bans (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  by_id TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX bans_room_at ON bans (room_id, at);
CREATE INDEX bans_user ON bans (user_id);

CREATE TABLE messages (
  -- An alias of the rowid, which the full-text index refers to: a plain rowid may change on VACUUM.
  row_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  sender_id TEXT REFERENCES users (id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('text', 'file')),
  body TEXT NOT NULL,
  reply_to_id TEXT,
  forwarded_from TEXT,
  file TEXT,
  mentions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  deleted_at INTEGER,
  UNIQUE (room_id, seq)
) STRICT;

CREATE INDEX messages_sender ON messages (sender_id) WHERE sender_id IS NOT NULL;

-- Full-text index over messages.body. New messages are indexed by the event log once per batch,
-- in the batch's transaction (SqliteChanges.indexMessages): an insert trigger would interleave
-- FTS writes with every other statement, and FTS5 then flushes its pending terms at each
-- statement, which measured 2.5 times slower per send. Edits and deletions, rare, use triggers.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body,
  content = 'messages',
  content_rowid = 'row_id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.row_id, old.body);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.row_id, old.body);
  INSERT INTO messages_fts (rowid, body) VALUES (new.row_id, new.body);
END;

CREATE TABLE reactions (
  -- Increasing (a new row gets max + 1), so ordering by id is the order reactions were made.
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  emoji TEXT NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (message_id, user_id, emoji)
) STRICT;

CREATE INDEX reactions_message ON reactions (message_id, id);
CREATE INDEX reactions_user ON reactions (user_id);

CREATE TABLE room_events (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor_id TEXT,
  data TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (room_id, seq)
) STRICT;

-- Each user's stream counter, created with the user's first event.
CREATE TABLE user_streams (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  last_seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE user_events (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor_id TEXT,
  data TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (user_id, seq)
) STRICT;

-- A client transaction id, used once per user: a retry finds the room event it produced.
CREATE TABLE client_txns (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  txn_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (user_id, txn_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE contact_requests (
  from_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  to_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  PRIMARY KEY (from_id, to_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX contact_requests_to ON contact_requests (to_id);

-- Both directions are stored, so "my contacts" is one index range whichever side asked.
CREATE TABLE contacts (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  contact_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  since INTEGER NOT NULL,
  PRIMARY KEY (user_id, contact_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX contacts_contact ON contacts (contact_id);

CREATE TABLE follows (
  follower_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  followee_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX follows_followee ON follows (followee_id);

CREATE TABLE blocks (
  blocker_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX blocks_blocked ON blocks (blocked_id);
