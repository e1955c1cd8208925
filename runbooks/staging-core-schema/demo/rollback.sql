-- Rolls back 002_create_core_schema.sql and 001_create_jobs.sql (the rollback instructions from their comments).
-- worker_queue and users are untouched by the migration and stay as they are.

DROP TABLE IF EXISTS channel_counters;
DROP TABLE IF EXISTS snapshots;
DROP TABLE IF EXISTS events;
DROP TABLE IF EXISTS markets;
DROP TABLE IF EXISTS audit_event;
DROP FUNCTION IF EXISTS prevent_audit_modification();
DELETE FROM schema_migrations WHERE version = '002_create_core_schema';

DROP TRIGGER IF EXISTS trg_jobs_updated_at ON jobs;
DROP TABLE IF EXISTS jobs;
DROP FUNCTION IF EXISTS update_updated_at_column();
DELETE FROM schema_migrations WHERE version = '001_create_jobs';
