-- Lets the hourly purge of old transaction ids find them without scanning the table.
CREATE INDEX client_txns_at ON client_txns (at);
