-- Which engine writes a space's steelman: sending members' text to a language model is a
-- moderator's
-- explicit choice for that space. No row: the extractive engine, which sends nothing anywhere.
CREATE TABLE steelman_engines (
    space_id     INTEGER PRIMARY KEY REFERENCES spaces(id),
    engine       TEXT NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL
);

-- "Does this capture your view?": members' 1-5 ratings of a side's steelman, append-only (a
-- member's
-- latest rating of a side counts). member_side is the side the member held when rating: their own
-- side's
-- case, or another side's case judged for fairness.
CREATE TABLE steelman_ratings (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL,
    debate_id    INTEGER NOT NULL,
    side         TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    member_name  TEXT NOT NULL,
    member_side  TEXT NOT NULL,
    stars        INTEGER NOT NULL,
    engine       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);

CREATE INDEX steelman_ratings_debate ON steelman_ratings (debate_id, side);
