-- A conversation and its append-only transcript.
CREATE TABLE conversations (
    id              text          PRIMARY KEY,
    user_id         text          NOT NULL,
    character_id    text          NOT NULL,
    tier            text          NOT NULL,
    status          text          NOT NULL CHECK (status IN ('created', 'active', 'ended')),
    created_at      timestamptz   NOT NULL DEFAULT now(),
    ended_at        timestamptz,
    end_reason      text,
    used_seconds    numeric(12,3) NOT NULL DEFAULT 0,
    cost_usd        numeric(18,8) NOT NULL DEFAULT 0,
    emergency_level integer       NOT NULL DEFAULT 0,
    summary         text,
    version         bigint        NOT NULL DEFAULT 0
);

CREATE INDEX conversations_by_user ON conversations (user_id, created_at DESC, id DESC);

CREATE TABLE transcript_entries (
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint      NOT NULL,
    role            text        NOT NULL CHECK (role IN ('user', 'assistant')),
    text            text        NOT NULL,
    item_id         text,
    at              timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
