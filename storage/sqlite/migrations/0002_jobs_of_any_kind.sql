-- The agenda holds due work of any kind: a debate is optional, a key tells pending jobs of one kind
-- apart, and a job may carry a small JSON payload. SQLite cannot drop NOT NULL in place, so the table is
-- rebuilt with the columns in the order PostgreSQL's ALTER TABLE gives them.

CREATE TABLE agenda_new (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER,
    kind         TEXT NOT NULL,
    phase        INTEGER,
    due_at       TEXT NOT NULL,
    claimed_by   TEXT,
    lease_until  TEXT,
    done_at      TEXT,
    key          TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
INSERT INTO agenda_new (id, space_id, debate_id, kind, phase, due_at, claimed_by, lease_until, done_at, key)
SELECT id, space_id, debate_id, kind, phase, due_at, claimed_by, lease_until, done_at,
       'debate:' || debate_id || ':' || phase
FROM agenda;
DROP TABLE agenda;
ALTER TABLE agenda_new RENAME TO agenda;
CREATE UNIQUE INDEX agenda_once ON agenda (space_id, kind, key) WHERE done_at IS NULL;
CREATE INDEX agenda_due ON agenda (due_at) WHERE done_at IS NULL;
CREATE INDEX agenda_debate ON agenda (debate_id) WHERE done_at IS NULL;

-- PostgreSQL has had this index since version 1 (found by the schema-equivalence test): pending edits are
-- found by their key when a burst of votes asks for another card refresh.
CREATE INDEX outbox_coalesce ON outbox (space_id, coalesce_key) WHERE delivered_at IS NULL AND failed_at IS NULL;
