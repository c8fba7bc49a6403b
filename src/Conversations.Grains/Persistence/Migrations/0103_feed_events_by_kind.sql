-- The supervisors' dashboard reads the recent history of a few kinds of feed events (usage, latency) when it opens.
CREATE INDEX IF NOT EXISTS feed_events_by_kind ON feed_events (kind, at);
