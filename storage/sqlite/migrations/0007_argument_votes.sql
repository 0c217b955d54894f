-- Agree / disagree / pass on arguments (issue 18), append-only like positions: a member's latest row
-- on an argument is their vote; 'withdrawn' takes it back. An endorsement is the agree vote (one
-- vocabulary): the endorsements table keeps the current agrees, this one keeps every change.
CREATE TABLE argument_votes (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    argument     INTEGER NOT NULL,
    member_id    TEXT NOT NULL,
    member_name  TEXT NOT NULL,
    vote         TEXT NOT NULL CHECK (vote IN ('agree', 'disagree', 'pass', 'withdrawn')),
    created_at   TEXT NOT NULL,
    FOREIGN KEY (debate_id, argument) REFERENCES arguments (debate_id, number),
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);

CREATE INDEX argument_votes_member ON argument_votes (debate_id, member_id, argument);

-- Endorsements made before votes existed are agree votes.
INSERT INTO argument_votes (space_id, debate_id, argument, member_id, member_name, vote, created_at)
SELECT space_id, debate_id, argument, member_id, member_name, 'agree', created_at FROM endorsements
ORDER BY created_at, debate_id, argument, member_id;
