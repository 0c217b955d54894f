-- How many times a message was claimed for sending. A second claim means an earlier attempt may have
-- reached the platform (a crash, a timeout after sending): the adapter then makes the platform deduplicate
-- or looks the message up before sending it again.
ALTER TABLE outbox ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
