-- Exports and the right to be forgotten. The audit log also records actions on a whole community (an
-- export of all debates, a member forgotten), so a debate is optional; SQLite cannot drop NOT NULL in
-- place, so the table is rebuilt with its columns in the same order. Each community gets a secret that
-- keys its pseudonyms: the same member gets the same pseudonym in every export of that community.

CREATE TABLE mod_actions_new (
    id          INTEGER PRIMARY KEY,
    space_id    INTEGER NOT NULL,
    debate_id   INTEGER,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
INSERT INTO mod_actions_new SELECT id, space_id, debate_id, actor_id, actor_name, action, detail, at
FROM mod_actions;
DROP TABLE mod_actions;
ALTER TABLE mod_actions_new RENAME TO mod_actions;
CREATE INDEX mod_actions_space ON mod_actions (space_id, id);

CREATE TABLE space_secrets (
    space_id    INTEGER PRIMARY KEY REFERENCES spaces(id),
    secret      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
