-- A send's client transaction id moves onto its message. Only sends take one (see Write.txn), and
-- the client_txns table cost every send a row in its own b-tree, under a key that scatters (user,
-- txn id): about 1.5 of the 6.7 WAL pages a chat write dirtied, and a fifth of the commit path's
-- CPU (bench/tools/commit-path.ts). The sender index gains the txn id and answers both what it
-- answered (a user's messages, for ON DELETE SET NULL) and "was this txn used". A send is still
-- remembered for txnRetentionDays: the purge clears txn_id, found by the partial index below,
-- which grows at its right edge only.
ALTER TABLE messages ADD COLUMN txn_id TEXT;

UPDATE messages SET txn_id = t.txn_id
FROM client_txns AS t
WHERE t.room_id = messages.room_id AND t.seq = messages.seq AND t.user_id = messages.sender_id;

DROP INDEX messages_sender;
CREATE UNIQUE INDEX messages_sender_txn ON messages (sender_id, txn_id) WHERE sender_id IS NOT NULL;
CREATE INDEX messages_txn_at ON messages (created_at) WHERE txn_id IS NOT NULL;

DROP TABLE client_txns;
