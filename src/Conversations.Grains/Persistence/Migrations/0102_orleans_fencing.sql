-- Conversations on Orleans: the activation fence, where a conversation's client is, idempotent time charges, and the
-- supervisors' feed (formerly the home-made runtime's). The runtime's lease and membership tables are gone.

-- Every activation claims the conversation by raising its epoch; every durable write of that activation locks the row
-- (FOR SHARE) and checks the epoch is still its own, so a stale activation can never write after a newer one claimed it.
ALTER TABLE conversations
    ADD COLUMN epoch       bigint      NOT NULL DEFAULT 0,
    ADD COLUMN attached    boolean     NOT NULL DEFAULT false,
    ADD COLUMN silo        text,
    ADD COLUMN attached_at timestamptz,
    ADD COLUMN detached_at timestamptz;

CREATE INDEX conversations_live ON conversations (created_at DESC) WHERE status = 'active';

-- One row per clock charge; the key makes a retried charge a no-op. A conversation's used_seconds and the month's
-- seconds move only together with an inserted row.
CREATE TABLE time_charges (
    conversation_id text          NOT NULL,
    charge_key      text          NOT NULL,
    user_id         text          NOT NULL,
    period          text          NOT NULL,
    seconds         bigint        NOT NULL,
    at              timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, charge_key)
);

-- The supervisors' feed: every conversation's stream events, read in commit order (rows of a transaction older than
-- every one still running, ordered by (tx, id)), so a row that commits late is never skipped by a reader past its id.
CREATE TABLE IF NOT EXISTS feed_events (
    id      bigserial   PRIMARY KEY,
    tx      xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream  text        NOT NULL,
    kind    text        NOT NULL,
    payload jsonb       NOT NULL,
    node_id text        NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS feed_events_order ON feed_events (tx, id);

DROP TABLE IF EXISTS conversation_leases;
DROP TABLE IF EXISTS nodes;
DROP TABLE IF EXISTS membership_version;
