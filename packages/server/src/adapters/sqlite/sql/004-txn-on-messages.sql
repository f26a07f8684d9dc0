-- A send's client transaction id moves onto its message. Only sends take one (see Write.txn), and
-- the client_txns table cost every send a row in its own b-tree, under a key that scatters (user,
-- txn id): about 1.5 of the 6.7 WAL pages a chat write dirtied, and a fifth of the commit path's
-- CPU (bench/tools/commit-path.ts). The sender index gains the txn id and answers both what it
-- answered (a user's messages, for ON DELETE SET NULL) and "was this txn used". Nothing purges the
-- ids any more: a use older than the retention (txnRetentionDays) simply no longer counts when a
-- send looks for one, so the index is not unique (an id may be used again after the retention),
-- and no message is written twice to forget its id.
ALTER TABLE messages ADD COLUMN txn_id TEXT;

UPDATE messages SET txn_id = t.txn_id
FROM client_txns AS t
WHERE t.room_id = messages.room_id AND t.seq = messages.seq AND t.user_id = messages.sender_id;

DROP INDEX messages_sender;
CREATE INDEX messages_sender_txn ON messages (sender_id, txn_id) WHERE sender_id IS NOT NULL;

DROP TABLE client_txns;
