-- A send's client transaction id moves onto its message, as in the SQLite schema (see its
-- 004-txn-on-messages.sql for why): only sends take one, and the sender index gains the txn id.
-- The purge clears txn_id after txnRetentionDays, found by the partial index.
ALTER TABLE messages ADD COLUMN txn_id text COLLATE "C";

UPDATE messages SET txn_id = t.txn_id
FROM client_txns AS t
WHERE t.room_id = messages.room_id AND t.seq = messages.seq AND t.user_id = messages.sender_id;

DROP INDEX messages_sender_idx;
CREATE UNIQUE INDEX messages_sender_txn_idx ON messages (sender_id, txn_id) WHERE sender_id IS NOT NULL;
CREATE INDEX messages_txn_at_idx ON messages (created_at) WHERE txn_id IS NOT NULL;

DROP TABLE client_txns;
