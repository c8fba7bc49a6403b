-- The cluster-wide event feed: every grain's stream events in one table, read in commit order.
-- Readers take rows whose transaction is older than every transaction still running (pg_snapshot_xmin), ordered by
-- (tx, id), so a row that commits late can never be skipped by a reader that already moved past its id.
CREATE TABLE feed_events (
    id      bigserial   PRIMARY KEY,
    tx      xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream  text        NOT NULL,
    kind    text        NOT NULL,
    payload jsonb       NOT NULL,
    node_id text        NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX feed_events_order ON feed_events (tx, id);
