-- When the current phase began: a moderator's "end this phase" that arrives just after the phase's own
-- deadline ended it is recognised, instead of ending the next phase too.
ALTER TABLE debates ADD COLUMN phase_started_at TEXT;
