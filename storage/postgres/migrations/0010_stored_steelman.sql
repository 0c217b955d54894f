-- The steelman a language model wrote when a debate closed, as the bot posted it: exports of a space that
-- chose the model carry this one instead of asking the model again (cost, time, and a different answer
-- from the one members read). sides: JSON {side: {"picks": sha256 of the picks it summarised, "points":
-- [...]}}. Deleted when an argument of the debate is replaced (forget-me, a moderator's deletion), since
-- its points quote members' words.
CREATE TABLE steelman_summaries (
    debate_id    BIGINT PRIMARY KEY,
    space_id     BIGINT NOT NULL,
    model        TEXT NOT NULL,
    sides        TEXT NOT NULL,
    note         TEXT NOT NULL,
    written_at   TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (debate_id, space_id) REFERENCES debates (id, space_id)
);
