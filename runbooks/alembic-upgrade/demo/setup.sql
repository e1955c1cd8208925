-- Before-state of billing: a SQLAlchemy/Alembic-managed billing service at revision b7e1c9d2a4f0
-- ("add reports.status"). Names follow Alembic's conventions (ix_<table>_<column>, alembic_version_pkc).

CREATE TABLE alembic_version (
    version_num character varying(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('b7e1c9d2a4f0');

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TABLE plans (
    id          serial PRIMARY KEY,
    code        character varying(32) NOT NULL,
    name        character varying(100) NOT NULL,
    price_cents integer NOT NULL,
    currency    character(3) NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    CONSTRAINT plans_code_key UNIQUE (code)
);
INSERT INTO plans (code, name, price_cents, currency, active) VALUES
    ('starter-m', 'Starter (monthly)', 900, 'USD', true),
    ('starter-y', 'Starter (yearly)', 9000, 'USD', true),
    ('pro-m', 'Pro (monthly)', 2900, 'USD', true),
    ('pro-y', 'Pro (yearly)', 29000, 'USD', true),
    ('team-m', 'Team (monthly)', 9900, 'EUR', true),
    ('legacy-basic', 'Basic (retired)', 500, 'USD', false);

CREATE TABLE users (
    id         serial PRIMARY KEY,
    email      character varying(255) NOT NULL,
    full_name  character varying(200),
    plan_id    integer NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL
);
INSERT INTO users (email, full_name, plan_id, created_at, updated_at)
SELECT 'customer' || i || '@' || (ARRAY['example.com','shop.test','mail.example','corp.test'])[1 + i % 4],
       CASE WHEN i % 7 = 0 THEN NULL ELSE (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Ken'])[1 + i % 6] || ' ' || i END,
       1 + (i * 5) % 6,
       timestamp '2022-01-01 00:00:00' + i * interval '37 minutes',
       timestamp '2022-01-01 00:00:00' + i * interval '37 minutes' + (i % 400) * interval '1 day'
FROM generate_series(1, 30000) AS i;
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_plan_id ON users (plan_id);

CREATE TABLE reports (
    id           serial PRIMARY KEY,
    user_id      integer NOT NULL,
    title        character varying(200) NOT NULL,
    period_start date NOT NULL,
    period_end   date NOT NULL,
    status       character varying(20) NOT NULL,
    generated_at timestamp without time zone,
    created_at   timestamp without time zone NOT NULL
);
INSERT INTO reports (user_id, title, period_start, period_end, status, generated_at, created_at)
SELECT 1 + (i * 13) % 30000,
       (ARRAY['Monthly statement','Usage summary','Tax report','Refund report'])[1 + i % 4],
       date '2023-01-01' + ((i % 24) * 30), date '2023-01-01' + ((i % 24) * 30) + 29,
       (ARRAY['ready','ready','ready','pending','failed'])[1 + i % 5],
       CASE WHEN i % 5 < 3 THEN timestamp '2023-02-01 03:00:00' + (i % 24) * interval '30 days' END,
       timestamp '2023-02-01 02:00:00' + (i % 24) * interval '30 days' + (i / 24) * interval '1 second'
FROM generate_series(1, 40000) AS i;
CREATE INDEX ix_reports_user_id ON reports (user_id);
CREATE INDEX ix_reports_period_start ON reports (period_start);

CREATE TABLE payments (
    id                 serial PRIMARY KEY,
    user_id            integer NOT NULL,
    amount             numeric(12,2) NOT NULL,
    currency           character(3) NOT NULL,
    status             character varying(20) NOT NULL,
    provider           character varying(32) NOT NULL,
    provider_charge_id character varying(64),
    created_at         timestamp without time zone NOT NULL,
    updated_at         timestamp without time zone NOT NULL
);
INSERT INTO payments (user_id, amount, currency, status, provider, provider_charge_id, created_at, updated_at)
SELECT 1 + (i * 7) % 30000,
       (ARRAY[9.00, 90.00, 29.00, 290.00, 99.00, 5.00])[1 + (i * 5) % 6] * CASE WHEN i % 17 = 0 THEN -1 ELSE 1 END,
       CASE WHEN (i * 5) % 6 = 4 THEN 'EUR' ELSE 'USD' END,
       (ARRAY['succeeded','succeeded','succeeded','succeeded','failed','refunded','pending'])[1 + i % 7],
       (ARRAY['stripe','stripe','adyen','paypal'])[1 + i % 4],
       CASE WHEN i % 7 = 6 THEN NULL ELSE 'ch_' || substr(md5('charge' || i), 1, 24) END,
       ts, ts + (i % 3) * interval '1 minute'
FROM generate_series(1, 150000) AS i,
     LATERAL (SELECT timestamp '2023-01-01 00:00:00' + i * interval '4 minutes') AS t(ts);
CREATE INDEX ix_payments_user_id ON payments (user_id);
CREATE INDEX ix_payments_created_at ON payments (created_at);
CREATE INDEX ix_payments_status ON payments (status);

ALTER TABLE users ADD CONSTRAINT users_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES plans (id);
ALTER TABLE reports ADD CONSTRAINT reports_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE payments ADD CONSTRAINT payments_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER payments_set_updated_at BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ANALYZE;
