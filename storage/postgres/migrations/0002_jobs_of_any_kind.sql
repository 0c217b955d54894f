-- The agenda holds due work of any kind: a debate is optional, a key tells pending jobs of one kind
-- apart, and a job may carry a small JSON payload.

ALTER TABLE agenda ALTER COLUMN debate_id DROP NOT NULL,
                   ALTER COLUMN phase DROP NOT NULL,
                   ADD COLUMN key TEXT,
                   ADD COLUMN payload TEXT NOT NULL DEFAULT '{}';
UPDATE agenda SET key = 'debate:' || debate_id || ':' || phase;
ALTER TABLE agenda ALTER COLUMN key SET NOT NULL;
DROP INDEX agenda_once;
CREATE UNIQUE INDEX agenda_once ON agenda (space_id, kind, key) WHERE done_at IS NULL;
CREATE INDEX agenda_debate ON agenda (debate_id) WHERE done_at IS NULL;
