-- A send's client transaction id moves onto its message, as in the SQLite schema (see its
-- 004-txn-on-messages.sql for why): only sends take one, and the sender index gains the txn id.
-- A use older than the retention no longer counts when a send looks for one; nothing purges them.
ALTER TABLE messages ADD COLUMN txn_id text COLLATE "C";

UPDATE messages SET txn_id = t.txn_id
FROM client_txns AS t
WHERE t.room_id = messages.room_id AND t.seq = messages.seq AND t.user_id = messages.sender_id;

DROP INDEX messages_sender_idx;
CREATE INDEX messages_sender_txn_idx ON messages (sender_id, txn_id) WHERE sender_id IS NOT NULL;

DROP TABLE client_txns;
