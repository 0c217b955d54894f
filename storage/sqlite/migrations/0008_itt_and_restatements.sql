-- The ideological Turing test: in an ITT round a member writes the strongest case for a side they do
-- not hold (author_side: the side they held when writing). Numbered per debate, apart from arguments.
CREATE TABLE itt_entries (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    author_side  TEXT NOT NULL,
    side         TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (debate_id, number),
    UNIQUE (debate_id, author_id, side),
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);

-- "Could someone on our side have written this?": a member of the entry's side says yes (passed = 1)
-- or no. Append-only: a member's latest answer for an entry counts.
CREATE TABLE itt_ratings (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    entry        INTEGER NOT NULL,
    member_id    TEXT NOT NULL,
    member_name  TEXT NOT NULL,
    member_side  TEXT NOT NULL,
    passed       INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);

CREATE INDEX itt_ratings_entry ON itt_ratings (debate_id, entry, member_id);

-- Restate before you rebut: a rebuttal's one-line restatement of the argument it answers, and that
-- argument's author's verdict (NULL until they answer).
CREATE TABLE restatements (
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    rebuttal     INTEGER NOT NULL,
    restates     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    accepted     INTEGER,
    judged_at    TEXT,
    PRIMARY KEY (debate_id, rebuttal),
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
