-- BROKEN on purpose (a test fixture, never run it on a real database): the Alembic revision as autogenerate
-- really produced it before review. The model of Report had lost index=True on user_id, so autogenerate also
-- emitted op.drop_index('ix_reports_user_id'): an undeclared change the runbook's Verify phase must catch.

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

DROP INDEX ix_reports_user_id;

UPDATE alembic_version SET version_num='e4c2f81a9b3d' WHERE alembic_version.version_num = 'b7e1c9d2a4f0';

ANALYZE payments;
