-- Transcript entries also record what a client's tool returned to the model and what a human counsellor said.
ALTER TABLE transcript_entries DROP CONSTRAINT IF EXISTS transcript_entries_role_check;
ALTER TABLE transcript_entries ADD CONSTRAINT transcript_entries_role_check CHECK (role IN ('user', 'assistant', 'tool', 'supervisor'));
