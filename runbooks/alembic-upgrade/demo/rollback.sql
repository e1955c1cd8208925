-- `alembic downgrade e4c2f81a9b3d:b7e1c9d2a4f0 --sql`, without BEGIN/COMMIT.

-- Running downgrade e4c2f81a9b3d -> b7e1c9d2a4f0

DROP INDEX ix_payments_external_reference;

ALTER TABLE payments DROP COLUMN external_reference;

UPDATE alembic_version SET version_num='b7e1c9d2a4f0' WHERE alembic_version.version_num = 'e4c2f81a9b3d';
