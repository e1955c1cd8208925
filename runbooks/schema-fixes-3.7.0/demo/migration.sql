-- 001_pragmatic_schema_fixes.sql: cognit schema 3.6.0 -> 3.7.0.
-- Runs in one transaction (the tool wraps it); any failure leaves the database at 3.6.0.

-- 0. Refuse to run on any version but 3.6.0.
DO $$
DECLARE
    current_version text;
BEGIN
    SELECT value INTO current_version FROM database_metadata WHERE key = 'version';
    IF current_version IS DISTINCT FROM '3.6.0' THEN
        RAISE EXCEPTION 'expected schema version 3.6.0, found %', coalesce(current_version, 'none');
    END IF;
    RAISE NOTICE 'Upgrading schema from 3.6.0 to 3.7.0';
END $$;

-- 1. Type consistency: attention_checks.image_id becomes character varying(200) like images.image_id,
--    which lets a foreign key join them.
ALTER TABLE attention_checks ALTER COLUMN image_id TYPE character varying(200);
ALTER TABLE attention_checks ADD CONSTRAINT attention_checks_image_id_fkey
    FOREIGN KEY (image_id) REFERENCES images (image_id);
DO $$ BEGIN RAISE NOTICE 'attention_checks.image_id is now character varying(200) with a foreign key to images'; END $$;

-- 2. Repair out-of-range data so the new CHECK constraints can be added.
UPDATE attention_stats SET attention_score = greatest(0, least(1, attention_score))
WHERE attention_score < 0 OR attention_score > 1;
DO $$ BEGIN RAISE NOTICE 'Clamped attention_score values into [0, 1]'; END $$;

UPDATE submissions SET quality_score = greatest(0, least(1, quality_score))
WHERE quality_score < 0 OR quality_score > 1;
DO $$ BEGIN RAISE NOTICE 'Clamped quality_score values into [0, 1]'; END $$;

-- An AI-suspected submission must carry a score; unscored ones get 0 and go back to manual review.
UPDATE submissions SET quality_score = 0, review_status = 'pending'
WHERE ai_suspected AND quality_score IS NULL;
DO $$ BEGIN RAISE NOTICE 'Scored AI-suspected submissions that had no quality_score'; END $$;

-- 3. Score constraints.
ALTER TABLE attention_stats ADD CONSTRAINT attention_stats_attention_score_range
    CHECK (attention_score >= 0 AND attention_score <= 1);
ALTER TABLE submissions ADD CONSTRAINT submissions_quality_score_range
    CHECK (quality_score IS NULL OR (quality_score >= 0 AND quality_score <= 1));
ALTER TABLE submissions ADD CONSTRAINT submissions_ai_suspected_requires_quality_score
    CHECK (NOT ai_suspected OR quality_score IS NOT NULL);
ALTER TABLE images ADD CONSTRAINT images_difficulty_score_range
    CHECK (difficulty_score IS NULL OR (difficulty_score >= 0 AND difficulty_score <= 1));
DO $$ BEGIN RAISE NOTICE 'Added 4 score CHECK constraints'; END $$;

-- 4. Partial indexes for the hot filtered lookups.
CREATE INDEX attention_checks_passed_true ON attention_checks (participant_id) WHERE passed = true;
CREATE INDEX submissions_ai_suspected_true ON submissions (created_at) WHERE ai_suspected = true;
CREATE INDEX submissions_review_pending ON submissions (created_at) WHERE review_status = 'pending';
CREATE INDEX submissions_quality_scored ON submissions (quality_score) WHERE quality_score IS NOT NULL;
CREATE INDEX payments_participant_paid ON payments (participant_id, paid_at) WHERE status = 'paid';
CREATE INDEX payments_created_pending ON payments (created_at) WHERE status = 'pending';
CREATE INDEX participants_consent_true ON participants (created_at) WHERE consent_given = true;
CREATE INDEX participants_not_withdrawn ON participants (country) WHERE withdrawn_at IS NULL;
CREATE INDEX images_active_true ON images (category) WHERE is_active = true;
DO $$ BEGIN RAISE NOTICE 'Created 9 partial indexes'; END $$;

-- 5. Record the new version.
UPDATE database_metadata SET value = '3.7.0', updated_at = now() WHERE key = 'version';
UPDATE database_metadata SET value = '001_pragmatic_schema_fixes.sql', updated_at = now() WHERE key = 'last_migration';
DO $$ BEGIN RAISE NOTICE 'Schema version is now 3.7.0'; END $$;

ANALYZE attention_checks, attention_stats, submissions, payments, participants, images;
