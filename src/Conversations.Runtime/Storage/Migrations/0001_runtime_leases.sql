-- Ownership of a grain (a conversation) by one node. The epoch grows on every acquisition and is never reset:
-- a released lease keeps its row with an expiry in the past, so the next owner gets epoch + 1.
CREATE TABLE conversation_leases (
    conversation_id text        PRIMARY KEY,
    node_id         text        NOT NULL,
    epoch           bigint      NOT NULL,
    expires_at      timestamptz NOT NULL
);

CREATE INDEX conversation_leases_node ON conversation_leases (node_id);
