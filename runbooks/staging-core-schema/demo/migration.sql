-- Migrations 001_create_jobs.sql and 002_create_core_schema.sql for xmarket staging, applied together.
-- The tool wraps this file in one transaction (the checklist's BEGIN ... COMMIT).
--
-- Rollback (see demo/rollback.sql): drop channel_counters, snapshots, events, markets, audit_event and jobs,
-- then the functions prevent_audit_modification() and update_updated_at_column(), and delete the two
-- schema_migrations rows.

-- ============================================================ 001_create_jobs
CREATE FUNCTION update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

-- Idempotent job processing: a (job_type, idempotency_key) pair is accepted once; the same key may be used by
-- another job type.
CREATE TABLE jobs (
    job_id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_type        character varying(64) NOT NULL,
    idempotency_key character varying(255) NOT NULL,
    payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
    status          character varying(16) NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    max_attempts    integer NOT NULL DEFAULT 5,
    next_attempt_at timestamp with time zone NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamp with time zone NOT NULL DEFAULT now(),
    updated_at      timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT jobs_job_type_idempotency_key_key UNIQUE (job_type, idempotency_key),
    CONSTRAINT jobs_status_check CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'dead')),
    CONSTRAINT jobs_attempts_check CHECK (attempts >= 0 AND attempts <= max_attempts)
);
-- The worker polls: status = 'pending' AND next_attempt_at < now() ORDER BY created_at LIMIT n.
CREATE INDEX jobs_status_next_attempt_at_idx ON jobs (status, next_attempt_at);
CREATE INDEX jobs_pending_created_at_idx ON jobs (created_at) WHERE status = 'pending';
CREATE TRIGGER trg_jobs_updated_at BEFORE UPDATE ON jobs
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
DO $$ BEGIN RAISE NOTICE 'Created jobs with unique (job_type, idempotency_key)'; END $$;

-- Import the legacy queue; its dedupe_key becomes the idempotency key.
INSERT INTO jobs (job_type, idempotency_key, payload, status, attempts, next_attempt_at, last_error, created_at,
                  updated_at)
SELECT task_name, dedupe_key, payload,
       CASE state WHEN 'queued' THEN 'pending' WHEN 'done' THEN 'succeeded' WHEN 'error' THEN 'failed'
                  ELSE 'dead' END,
       tries, run_after, last_error, created_at, created_at
FROM worker_queue;
DO $$ BEGIN RAISE NOTICE 'Imported worker_queue into jobs'; END $$;

INSERT INTO schema_migrations (version) VALUES ('001_create_jobs');

-- ============================================================ 002_create_core_schema
-- Append-only audit trail: every human approval is an audit_event row that can never change.
CREATE TABLE audit_event (
    audit_id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    action      character varying(64) NOT NULL,
    actor_type  character varying(16) NOT NULL,
    actor_id    uuid REFERENCES users (user_id),
    target_type character varying(32),
    target_id   uuid,
    details     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT audit_event_actor_type_check CHECK (actor_type IN ('human', 'agent', 'system'))
);
CREATE INDEX audit_event_actor_id_idx ON audit_event (actor_id);
CREATE INDEX audit_event_created_at_idx ON audit_event (created_at);

-- SQLSTATE AP001 ("append-only violation") lets clients tell this refusal from any other error.
CREATE FUNCTION prevent_audit_modification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event table is append-only (% refused)', TG_OP
        USING ERRCODE = 'AP001', HINT = 'Record a new audit_event instead of changing an old one.';
END $$;
CREATE TRIGGER trg_prevent_audit_update BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION prevent_audit_modification();
CREATE TRIGGER trg_prevent_audit_delete BEFORE DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION prevent_audit_modification();
DO $$ BEGIN RAISE NOTICE 'audit_event is append-only: UPDATE and DELETE raise SQLSTATE AP001'; END $$;

-- A market cannot exist without the audit record of the human who approved it.
CREATE TABLE markets (
    market_id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    symbol                  character varying(32) NOT NULL,
    type                    character varying(16) NOT NULL,
    title                   text NOT NULL,
    status                  character varying(16) NOT NULL DEFAULT 'draft',
    created_by              uuid NOT NULL,
    human_approval_audit_id uuid NOT NULL,
    created_at              timestamp with time zone NOT NULL DEFAULT now(),
    updated_at              timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT markets_symbol_key UNIQUE (symbol),
    CONSTRAINT markets_type_check CHECK (type IN ('political', 'economic', 'sports', 'crypto', 'other')),
    CONSTRAINT markets_status_check CHECK (status IN ('draft', 'open', 'halted', 'settled', 'cancelled')),
    CONSTRAINT markets_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (user_id),
    CONSTRAINT markets_human_approval_audit_id_fkey FOREIGN KEY (human_approval_audit_id)
        REFERENCES audit_event (audit_id)
);
CREATE INDEX markets_created_by_idx ON markets (created_by);
CREATE INDEX markets_human_approval_audit_id_idx ON markets (human_approval_audit_id);
CREATE TRIGGER trg_markets_updated_at BEFORE UPDATE ON markets
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- Event sourcing per channel: a gap-free sequence, periodic snapshots, and the counter handing out seq numbers.
CREATE TABLE events (
    event_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel    character varying(128) NOT NULL,
    seq        bigint NOT NULL,
    event_type character varying(64) NOT NULL,
    payload    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT events_channel_seq_key UNIQUE (channel, seq)
);
CREATE TABLE snapshots (
    snapshot_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel     character varying(128) NOT NULL,
    seq         bigint NOT NULL,
    state       jsonb NOT NULL,
    created_at  timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT snapshots_channel_seq_key UNIQUE (channel, seq)
);
CREATE TABLE channel_counters (
    channel    character varying(128) PRIMARY KEY,
    last_seq   bigint NOT NULL DEFAULT 0,
    updated_at timestamp with time zone NOT NULL DEFAULT now()
);
DO $$ BEGIN RAISE NOTICE 'Created core schema: audit_event, markets, events, snapshots, channel_counters'; END $$;

INSERT INTO schema_migrations (version) VALUES ('002_create_core_schema');

ANALYZE jobs, audit_event, markets, events, snapshots, channel_counters;
