-- Quotas, cost and emergencies.
ALTER TABLE conversations
    ADD COLUMN emergency_category text,
    ADD COLUMN flagged boolean NOT NULL DEFAULT false,
    ADD COLUMN summary_source text;

-- A user's month: charged in the same transaction that advances a conversation (seconds) or records a response (dollars).
CREATE TABLE user_usage (
    user_id       text          NOT NULL,
    period        text          NOT NULL, -- yyyy-MM, UTC
    seconds       bigint        NOT NULL DEFAULT 0,
    dollars       numeric(18,8) NOT NULL DEFAULT 0,
    conversations integer       NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, period)
);

-- One row per upstream response; a conversation's dollars are the exact sum of its rows. Kept when a conversation is
-- deleted, so billing stays correct (no foreign key on purpose).
CREATE TABLE usage_records (
    conversation_id           text          NOT NULL,
    response_id               text          NOT NULL,
    user_id                   text          NOT NULL,
    period                    text          NOT NULL,
    model                     text          NOT NULL,
    text_input_tokens         bigint        NOT NULL,
    cached_text_input_tokens  bigint        NOT NULL,
    audio_input_tokens        bigint        NOT NULL,
    cached_audio_input_tokens bigint        NOT NULL,
    text_output_tokens        bigint        NOT NULL,
    audio_output_tokens       bigint        NOT NULL,
    stt_seconds               numeric(12,3) NOT NULL,
    tts_characters            bigint        NOT NULL,
    dollars                   numeric(18,8) NOT NULL,
    at                        timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, response_id)
);

-- Alerts at level 2 and 3, one per conversation and level; kept when a conversation is deleted (a safety record).
CREATE TABLE emergency_alerts (
    id                bigserial   PRIMARY KEY,
    conversation_id   text        NOT NULL,
    user_id           text        NOT NULL,
    level             integer     NOT NULL,
    category          text        NOT NULL,
    excerpt           text        NOT NULL,
    transcript_seq    bigint      NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    status            text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
    acknowledged_at   timestamptz,
    acknowledged_by   text,
    webhook_attempts  integer     NOT NULL DEFAULT 0,
    webhook_delivered_at timestamptz,
    UNIQUE (conversation_id, level)
);

CREATE INDEX emergency_alerts_open ON emergency_alerts (status, created_at DESC);
