-- Production cleanup for app_prod: retire the quests feature set (9 tables), give agent recommendations and
-- trust scores a workspace (backfilled, NOT NULL, foreign key, row-level security), and add the foreign keys
-- the schema audit found missing. Foreign keys: 38 - 2 (dropped with quest_moves and quest_milestones) + 6 = 42.
-- Policies: 16 + 2 = 18. Runs in one transaction (the tool wraps it).

DO $$
DECLARE
    n integer;
BEGIN
    SELECT count(*) INTO n FROM pg_tables WHERE schemaname = 'public';
    IF n <> 52 THEN
        RAISE EXCEPTION 'expected 52 tables in public before the cleanup, found %', n;
    END IF;
END $$;

-- 1. Retire the quests feature set. No CASCADE: a dependency we did not know about must stop the migration.
DROP TABLE move_decisions;
DROP TABLE quest_moves;
DROP TABLE quest_milestones;
DROP TABLE quests;
DROP TABLE maneuver_prerequisites;
DROP TABLE capability_nodes;
DROP TABLE quick_wins;
DROP TABLE cohort_relations;
DROP TABLE notifications;
DO $$ BEGIN RAISE NOTICE 'Dropped 9 unused tables'; END $$;

-- 2. agent_recommendations: workspace (from the agent) and outcome tracking.
ALTER TABLE agent_recommendations
    ADD COLUMN workspace_id bigint,
    ADD COLUMN outcome_status character varying(16) NOT NULL DEFAULT 'pending',
    ADD COLUMN outcome_quality_score numeric(4,3);
UPDATE agent_recommendations r SET workspace_id = a.workspace_id FROM agents a WHERE a.id = r.agent_id;
ALTER TABLE agent_recommendations ALTER COLUMN workspace_id SET NOT NULL;
ALTER TABLE agent_recommendations
    ADD CONSTRAINT agent_recommendations_outcome_status_check
        CHECK (outcome_status IN ('pending', 'accepted', 'rejected', 'expired')),
    ADD CONSTRAINT agent_recommendations_outcome_quality_score_check
        CHECK (outcome_quality_score IS NULL OR (outcome_quality_score >= 0 AND outcome_quality_score <= 1));
DO $$ BEGIN RAISE NOTICE 'Added workspace_id, outcome_status, outcome_quality_score to agent_recommendations'; END $$;

-- 3. agent_trust_scores.workspace_id: backfill the rows the old scorer left NULL, then require it.
UPDATE agent_trust_scores s SET workspace_id = a.workspace_id FROM agents a
WHERE a.id = s.agent_id AND s.workspace_id IS NULL;
ALTER TABLE agent_trust_scores ALTER COLUMN workspace_id SET NOT NULL;
DO $$ BEGIN RAISE NOTICE 'Backfilled agent_trust_scores.workspace_id'; END $$;

-- 4. Foreign keys: the two new workspace references and four the audit found missing.
ALTER TABLE agent_recommendations ADD CONSTRAINT agent_recommendations_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE agent_recommendations ADD CONSTRAINT agent_recommendations_agent_id_fkey
    FOREIGN KEY (agent_id) REFERENCES agents (id);
ALTER TABLE agent_trust_scores ADD CONSTRAINT agent_trust_scores_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE agent_trust_scores ADD CONSTRAINT agent_trust_scores_agent_id_fkey
    FOREIGN KEY (agent_id) REFERENCES agents (id);
ALTER TABLE invoices ADD CONSTRAINT invoices_subscription_id_fkey
    FOREIGN KEY (subscription_id) REFERENCES subscriptions (id);
ALTER TABLE payments ADD CONSTRAINT payments_invoice_id_fkey
    FOREIGN KEY (invoice_id) REFERENCES invoices (id);
CREATE INDEX agent_recommendations_workspace_id_idx ON agent_recommendations (workspace_id);
CREATE INDEX agent_trust_scores_workspace_id_idx ON agent_trust_scores (workspace_id);
DO $$ BEGIN RAISE NOTICE 'Added 6 foreign keys'; END $$;

-- 5. Tenant isolation for the two tables that now carry a workspace.
ALTER TABLE agent_recommendations ENABLE ROW LEVEL SECURITY;
CREATE POLICY agent_recommendations_tenant_isolation ON agent_recommendations
    USING (workspace_id = current_setting('app.workspace_id', true)::bigint);
ALTER TABLE agent_trust_scores ENABLE ROW LEVEL SECURITY;
CREATE POLICY agent_trust_scores_tenant_isolation ON agent_trust_scores
    USING (workspace_id = current_setting('app.workspace_id', true)::bigint);
DO $$ BEGIN RAISE NOTICE 'Enabled row-level security on agent_recommendations and agent_trust_scores'; END $$;

ANALYZE agent_recommendations, agent_trust_scores, invoices, payments;
