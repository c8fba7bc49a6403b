-- A human counsellor (a supervisor) can join a conversation, take it over from the AI and hand it back.
ALTER TABLE conversations
    ADD COLUMN led_by        text,                       -- the supervisor leading it now (the AI is silent), if any
    ADD COLUMN led_since     timestamptz,
    ADD COLUMN led_since_seq bigint,                     -- the transcript seq when the lead began
    ADD COLUMN human_seconds numeric(12,3) NOT NULL DEFAULT 0;  -- time led by a human: not the tier's AI time

ALTER TABLE transcript_entries ADD COLUMN speaker_id text;      -- who, for a supervisor's entries
ALTER TABLE time_charges ADD COLUMN human boolean NOT NULL DEFAULT false;

-- Every join, take-over, hand-back, word said and leave, by whom and when.
CREATE TABLE supervision_audit (
    id              bigserial   PRIMARY KEY,
    conversation_id text        NOT NULL,
    supervisor_id   text        NOT NULL,
    action          text        NOT NULL,
    detail          text,
    at              timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX supervision_audit_by_conversation ON supervision_audit (conversation_id, id);
