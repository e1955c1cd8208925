-- Alembic revision e4c2f81a9b3d ("add payments.external_reference"), down_revision b7e1c9d2a4f0,
-- as emitted by `alembic upgrade b7e1c9d2a4f0:e4c2f81a9b3d --sql`, without its BEGIN/COMMIT (the tool wraps the
-- file in a transaction) and with a guard that refuses to run at any other revision.

DO $$
DECLARE
    current_revision text;
BEGIN
    SELECT string_agg(version_num, ',') INTO current_revision FROM alembic_version;
    IF current_revision IS DISTINCT FROM 'b7e1c9d2a4f0' THEN
        RAISE EXCEPTION 'alembic_version is %, expected b7e1c9d2a4f0', coalesce(current_revision, 'empty');
    END IF;
    RAISE NOTICE 'Running upgrade b7e1c9d2a4f0 -> e4c2f81a9b3d, add payments.external_reference';
END $$;

-- Running upgrade b7e1c9d2a4f0 -> e4c2f81a9b3d

ALTER TABLE payments ADD COLUMN external_reference VARCHAR(64);

CREATE INDEX ix_payments_external_reference ON payments (external_reference);

UPDATE alembic_version SET version_num='e4c2f81a9b3d' WHERE alembic_version.version_num = 'b7e1c9d2a4f0';

ANALYZE payments;
