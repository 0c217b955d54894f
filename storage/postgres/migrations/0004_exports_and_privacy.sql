-- Exports and the right to be forgotten. The audit log also records actions on a whole community (an
-- export of all debates, a member forgotten), so a debate is optional. Each community gets a secret that
-- keys its pseudonyms: the same member gets the same pseudonym in every export of that community.

ALTER TABLE mod_actions ALTER COLUMN debate_id DROP NOT NULL;
CREATE INDEX mod_actions_space ON mod_actions (space_id, id);

CREATE TABLE space_secrets (
    space_id    BIGINT PRIMARY KEY REFERENCES spaces(id),
    secret      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
