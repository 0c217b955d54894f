-- Rate limits (issue 19): what a member does in a debate that leaves no row of its own to count (an
-- answer to a restatement replaces the previous one; a map of the opinion groups is a post), noted
-- once each. Forgotten with the member.
CREATE TABLE member_actions (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    member_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    at           TEXT NOT NULL,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);

CREATE INDEX member_actions_member ON member_actions (debate_id, member_id, kind);

-- The other kinds are counted from their own rows, found by the member.
CREATE INDEX itt_ratings_member ON itt_ratings (debate_id, member_id);
CREATE INDEX steelman_ratings_member ON steelman_ratings (debate_id, member_id);
