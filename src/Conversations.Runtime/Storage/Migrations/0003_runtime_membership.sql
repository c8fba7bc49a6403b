-- Cluster membership, after Orleans' ADO.NET membership table: one row per node (a node is name@generation), and one
-- version row changed by compare-and-swap in the same transaction as every status change. Heartbeats do not bump it.
CREATE TABLE membership_version (
    id         integer     PRIMARY KEY CHECK (id = 1),
    version    bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);

INSERT INTO membership_version (id, version, updated_at) VALUES (1, 0, now());

CREATE TABLE nodes (
    node_id      text        PRIMARY KEY,
    name         text        NOT NULL,
    generation   bigint      NOT NULL,
    address      text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('active', 'shutting_down', 'dead')),
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE INDEX nodes_status ON nodes (status);
