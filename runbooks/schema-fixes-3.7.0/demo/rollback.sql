-- Reverts 001_pragmatic_schema_fixes.sql back to schema 3.6.0. The data repairs (clamped scores, scored
-- AI-suspected submissions) are kept: they corrected invalid values, and restoring those needs the backup.

DROP INDEX attention_checks_passed_true, submissions_ai_suspected_true, submissions_review_pending,
           submissions_quality_scored, payments_participant_paid, payments_created_pending,
           participants_consent_true, participants_not_withdrawn, images_active_true;

ALTER TABLE attention_stats DROP CONSTRAINT attention_stats_attention_score_range;
ALTER TABLE submissions DROP CONSTRAINT submissions_quality_score_range;
ALTER TABLE submissions DROP CONSTRAINT submissions_ai_suspected_requires_quality_score;
ALTER TABLE images DROP CONSTRAINT images_difficulty_score_range;

ALTER TABLE attention_checks DROP CONSTRAINT attention_checks_image_id_fkey;
ALTER TABLE attention_checks ALTER COLUMN image_id TYPE character varying(100);

UPDATE database_metadata SET value = '3.6.0', updated_at = now() WHERE key = 'version';
UPDATE database_metadata SET value = '000_v3_6_0_survey_rounds.sql', updated_at = now() WHERE key = 'last_migration';

ANALYZE attention_checks, attention_stats, submissions, payments, participants, images;
