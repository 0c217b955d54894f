-- Steelman schema, version 1. Every table carries space_id so that no query can cross communities.
-- Times are UTC text in one fixed-width format (YYYY-MM-DDTHH:MM:SS.ffffff), so text order is time order.

CREATE TABLE spaces (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    next_debate  INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE debates (
    id                   INTEGER PRIMARY KEY,
    space_id             INTEGER NOT NULL REFERENCES spaces(id),
    number               INTEGER NOT NULL,
    motion               TEXT NOT NULL,
    sides                TEXT NOT NULL,
    format               TEXT NOT NULL,
    state                TEXT NOT NULL,
    phase                INTEGER NOT NULL,
    phase_ends_at        TEXT,
    channel_id           TEXT NOT NULL,
    thread_id            TEXT,
    started_by           TEXT NOT NULL,
    started_by_name      TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    pre_vote_closed_at   TEXT,
    post_vote_closed_at  TEXT,
    closed_at            TEXT,
    next_argument        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (space_id, number),
    UNIQUE (id, space_id)
);
CREATE INDEX debates_thread ON debates (space_id, thread_id);
CREATE INDEX debates_state ON debates (space_id, state);

CREATE TABLE arguments (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    side         TEXT NOT NULL,
    phase        INTEGER NOT NULL,
    text         TEXT NOT NULL,
    rebuts       INTEGER,
    created_at   TEXT NOT NULL,
    UNIQUE (debate_id, number),
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
CREATE INDEX arguments_author ON arguments (debate_id, author_id, phase);

CREATE TABLE endorsements (
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    argument     INTEGER NOT NULL,
    member_id    TEXT NOT NULL,
    member_name  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (debate_id, argument, member_id),
    FOREIGN KEY (debate_id, argument) REFERENCES arguments (debate_id, number),
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);

CREATE TABLE positions (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    member_id    TEXT NOT NULL,
    member_name  TEXT NOT NULL,
    side         TEXT NOT NULL,
    confidence   INTEGER CHECK (confidence BETWEEN 0 AND 100),
    reason       TEXT,
    credited     INTEGER,
    phase        INTEGER NOT NULL,
    recorded_at  TEXT NOT NULL,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
CREATE INDEX positions_member ON positions (debate_id, member_id, id);

CREATE TABLE mod_actions (
    id          INTEGER PRIMARY KEY,
    space_id    INTEGER NOT NULL,
    debate_id   INTEGER NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);

-- Platform events already handled, keyed by the platform's own id, with the reply they got.
CREATE TABLE events (
    space_id    INTEGER NOT NULL REFERENCES spaces(id),
    key         TEXT NOT NULL,
    result      TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (space_id, key)
);

-- Deadlines: written with the change that sets them, claimed with a lease, marked done with their effect.
CREATE TABLE agenda (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    phase        INTEGER NOT NULL,
    due_at       TEXT NOT NULL,
    claimed_by   TEXT,
    lease_until  TEXT,
    done_at      TEXT,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
CREATE UNIQUE INDEX agenda_once ON agenda (debate_id, kind, phase) WHERE done_at IS NULL;
CREATE INDEX agenda_due ON agenda (due_at) WHERE done_at IS NULL;

-- Messages caused by state changes, delivered after commit, in order within a stream.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    space_id      INTEGER NOT NULL REFERENCES spaces(id),
    stream        TEXT NOT NULL,
    debate_id     INTEGER,
    channel_id    TEXT NOT NULL,
    in_thread     INTEGER NOT NULL DEFAULT 0,
    open_thread   TEXT,
    edit_of       INTEGER REFERENCES outbox(id),
    subject_kind  TEXT,
    subject_id    INTEGER,
    coalesce_key  TEXT,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    available_at  TEXT NOT NULL,
    claimed_by    TEXT,
    lease_until   TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    delivered_at  TEXT,
    failed_at     TEXT,
    message_id    TEXT,
    thread_id     TEXT
);
CREATE INDEX outbox_pending ON outbox (stream, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_ref ON outbox (space_id, message_id);
CREATE INDEX outbox_subject ON outbox (space_id, subject_kind, subject_id);
