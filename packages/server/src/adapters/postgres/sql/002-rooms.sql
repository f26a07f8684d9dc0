-- Rooms, memberships, messages, the event log and relations between people. Times are epoch
-- milliseconds (bigint), ids compare with the "C" collation (byte order, as on SQLite), JSON is
-- jsonb. Every change a client must see is written together with its event (room_events or
-- user_events) in one transaction; see adapters/postgres/postgres-event-log.ts.

-- Search folding, matching what SQLite's unicode61 tokenizer with remove_diacritics 2 does to
-- Latin script: marks on a Latin letter are dropped (é → e, ạ → a); other scripts keep theirs, as
-- they do there. Applied to message text and to every query word, so "cafe" finds "café".
-- No extension (unaccent) is needed, so it works wherever Natter's schema can be created.
CREATE FUNCTION search_letters(input text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN input ~ '[^\x01-\x7f]'
    THEN regexp_replace(normalize(input, NFD), '([A-Za-z])[\u0300-\u036f]+', '\1', 'g')
    ELSE input END;

-- Message text as the index sees it: folded, and with ASCII punctuation turned into spaces, so that
-- "3.14", "a_b" or "bob@example.com" split into words as SQLite splits them (PostgreSQL's parser
-- would keep them whole), and a word typed in a query finds them the same way on both engines.
CREATE FUNCTION search_text(input text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN regexp_replace(search_letters(input), '[!-/:-@[-`{-~]+', ' ', 'g');

CREATE TABLE rooms (
  id text COLLATE "C" PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('direct', 'group', 'channel')),
  name text NOT NULL,
  -- Written by the adapter with JavaScript's toLowerCase, so the directory's case-insensitive
  -- match does not depend on the database's ctype and agrees with SQLite.
  name_lower text NOT NULL,
  topic text NOT NULL,
  visibility text NOT NULL CHECK (visibility IN ('public', 'private')),
  owner_id text COLLATE "C" REFERENCES users (id) ON DELETE SET NULL,
  password_hash text,
  join_code text COLLATE "C",
  direct_key text COLLATE "C" CONSTRAINT rooms_direct_key UNIQUE,
  member_count integer NOT NULL DEFAULT 0,
  -- The seq of the room's latest event: the room's stream counter, bumped under the row's lock.
  last_seq bigint NOT NULL DEFAULT 0,
  -- When the latest event happened: orders a member's rooms, most recently active first.
  last_event_at bigint NOT NULL,
  created_at bigint NOT NULL,
  deleted_at bigint
);

-- Codes compare case-insensitively and are unique among live rooms only: a deleted room frees its code.
CREATE UNIQUE INDEX rooms_join_code_live ON rooms (upper(join_code))
  WHERE join_code IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX rooms_directory_idx ON rooms (id) WHERE deleted_at IS NULL AND visibility = 'public' AND kind <> 'direct';
CREATE INDEX rooms_owner_idx ON rooms (owner_id) WHERE owner_id IS NOT NULL;

-- Memberships keep their history: a membership that ended keeps its row with left_seq set, so a
-- sync can tell where each membership of a room began and ended. At most one is current.
CREATE TABLE memberships (
  room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_seq bigint NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at bigint NOT NULL,
  left_seq bigint,
  read_seq bigint NOT NULL,
  muted_until bigint,
  PRIMARY KEY (room_id, user_id, joined_seq)
);

CREATE UNIQUE INDEX memberships_current ON memberships (room_id, user_id) WHERE left_seq IS NULL;
CREATE INDEX memberships_user_idx ON memberships (user_id, room_id, joined_seq);

-- A deleted account takes its memberships with it (ON DELETE CASCADE); keep the count true.
CREATE FUNCTION memberships_count_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE rooms SET member_count = member_count - 1 WHERE id = OLD.room_id;
  RETURN NULL;
END $$;

CREATE TRIGGER memberships_count_on_delete AFTER DELETE ON memberships
  FOR EACH ROW WHEN (OLD.left_seq IS NULL) EXECUTE FUNCTION memberships_count_on_delete();

CREATE TABLE bans (
  room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  by_id text COLLATE "C",
  at bigint NOT NULL,
  PRIMARY KEY (room_id, user_id)
);

CREATE INDEX bans_room_at_idx ON bans (room_id, at);
CREATE INDEX bans_user_idx ON bans (user_id);

CREATE TABLE messages (
  id text COLLATE "C" PRIMARY KEY,
  room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  sender_id text COLLATE "C" REFERENCES users (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('text', 'file')),
  body text NOT NULL,
  reply_to_id text COLLATE "C",
  forwarded_from jsonb,
  file jsonb,
  mentions jsonb NOT NULL,
  created_at bigint NOT NULL,
  edited_at bigint,
  deleted_at bigint,
  search tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text(body))) STORED,
  CONSTRAINT messages_room_seq UNIQUE (room_id, seq)
);

CREATE INDEX messages_sender_idx ON messages (sender_id) WHERE sender_id IS NOT NULL;
CREATE INDEX messages_search_idx ON messages USING gin (search);

CREATE TABLE reactions (
  -- Increasing, so ordering by id is the order reactions were made.
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id text COLLATE "C" NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  emoji text NOT NULL,
  at bigint NOT NULL,
  CONSTRAINT reactions_once UNIQUE (message_id, user_id, emoji)
);

CREATE INDEX reactions_message_idx ON reactions (message_id, id);
CREATE INDEX reactions_user_idx ON reactions (user_id);

CREATE TABLE room_events (
  room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  type text NOT NULL,
  actor_id text COLLATE "C",
  data jsonb NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (room_id, seq)
);

-- Each user's stream counter, created with the user's first event.
CREATE TABLE user_streams (
  user_id text COLLATE "C" PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  last_seq bigint NOT NULL
);

CREATE TABLE user_events (
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  type text NOT NULL,
  actor_id text COLLATE "C",
  data jsonb NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (user_id, seq)
);

-- A client transaction id, used once per user: a retry finds the room event it produced.
CREATE TABLE client_txns (
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  txn_id text COLLATE "C" NOT NULL,
  room_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (user_id, txn_id)
);

CREATE TABLE contact_requests (
  from_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  to_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at bigint NOT NULL,
  PRIMARY KEY (from_id, to_id)
);

CREATE INDEX contact_requests_to_idx ON contact_requests (to_id);

-- Both directions are stored, so "my contacts" is one index range whichever side asked.
CREATE TABLE contacts (
  user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  contact_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  since bigint NOT NULL,
  PRIMARY KEY (user_id, contact_id)
);

CREATE INDEX contacts_contact_idx ON contacts (contact_id);

CREATE TABLE follows (
  follower_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  followee_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at bigint NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
);

CREATE INDEX follows_followee_idx ON follows (followee_id);

CREATE TABLE blocks (
  blocker_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at bigint NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);

CREATE INDEX blocks_blocked_idx ON blocks (blocked_id);
