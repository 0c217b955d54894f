-- Scheduled debates and the motion queue. A schedule's next run time is stored (its agenda job carries it
-- too), so a restart knows what was due; motions are ranked by their votes, one per member.

ALTER TABLE spaces ADD COLUMN next_schedule INTEGER NOT NULL DEFAULT 1;
ALTER TABLE spaces ADD COLUMN next_motion INTEGER NOT NULL DEFAULT 1;

CREATE TABLE schedules (
    id               INTEGER PRIMARY KEY,
    space_id         INTEGER NOT NULL REFERENCES spaces(id),
    number           INTEGER NOT NULL,
    cron             TEXT NOT NULL,
    zone             TEXT NOT NULL,
    channel_id       TEXT NOT NULL,
    format           TEXT NOT NULL,
    source           TEXT NOT NULL,
    text             TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    next_run_at      TEXT,
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_by_name  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (space_id, number)
);

CREATE TABLE motions (
    id              INTEGER PRIMARY KEY,
    space_id        INTEGER NOT NULL REFERENCES spaces(id),
    number          INTEGER NOT NULL,
    text            TEXT NOT NULL,
    proposer_id     TEXT NOT NULL,
    proposer_name   TEXT NOT NULL,
    state           TEXT NOT NULL,
    closed_by       TEXT,
    closed_by_name  TEXT,
    reason          TEXT,
    debate_id       INTEGER,
    created_at      TEXT NOT NULL,
    closed_at       TEXT,
    UNIQUE (space_id, number),
    UNIQUE (id, space_id)
);
CREATE INDEX motions_state ON motions (space_id, state);

CREATE TABLE motion_votes (
    space_id    INTEGER NOT NULL,
    motion_id   INTEGER NOT NULL,
    member_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (motion_id, member_id),
    FOREIGN KEY (motion_id, space_id) REFERENCES motions (id, space_id)
);

-- Members who asked for a direct reminder when a debate's post-vote opens.
CREATE TABLE reminder_requests (
    space_id    INTEGER NOT NULL,
    debate_id   INTEGER NOT NULL,
    member_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (debate_id, member_id),
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
