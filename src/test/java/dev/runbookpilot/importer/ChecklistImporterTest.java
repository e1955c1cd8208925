package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Environment;
import dev.runbookpilot.runbook.Expectation;
import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecklistImporterTest {

    private static ImportResult importFixture(String name) throws ImportException {
        return ChecklistImporter.importMarkdown(ImportFixtures.read(name), name);
    }

    private static List<CheckSpec> checks(Runbook r) {
        return r.steps().flatMap(s -> s.checks().stream()).toList();
    }

    private static <T extends CheckSpec> List<T> checks(Runbook r, Class<T> type) {
        return checks(r).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<CheckSpec.CatalogObjects> objects(Runbook r, ObjectKind kind) {
        return checks(r, CheckSpec.CatalogObjects.class).stream().filter(c -> c.objectKind() == kind).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"seeds/000_e9387a216e638fd6.txt", "seeds/001_d6444c5d4bc6e301.txt",
            "seeds/002_77f05fae06ba39ae.txt", "numbered-setext.md", "table-checks.md", "html-nested.md",
            "numbered-psql.md", "tables-nested.md"})
    void importsChecklistIntoARunbookTheLoaderAcceptsWithAtLeast70PercentOfVerifiableStatementsAutomated(String name)
            throws Exception {
        ImportResult result = importFixture(name);
        Runbook runbook = ImportFixtures.load(result);
        ImportSummary s = result.summary();
        assertTrue(s.verifiable() > 0, name + " has verifiable statements");
        assertTrue(s.automatedRatio() >= 0.7, name + ": " + s.render());
        assertEquals(s.items(), s.automated() + s.manual());
        assertFalse(runbook.phases().isEmpty());
        assertEquals(List.of(), LineAccounting.lostLines(ImportFixtures.read(name), result));
        assertTrue(s.render().contains("machine-verifiable statements found: " + s.verifiable() + ", automated as checks: "));
    }

    @Test
    void mapsTheSchemaAlignmentSeedToSnapshotRenamedRowCountsTablesIndexesColumnsAndSignoffs() throws Exception {
        ImportResult result = importFixture("seeds/000_e9387a216e638fd6.txt");
        Runbook r = ImportFixtures.load(result);

        CheckSpec.Snapshot snapshot = checks(r, CheckSpec.Snapshot.class).get(0);
        assertEquals(List.of("detection_events", "git_sessions", "technology_knowledge"), snapshot.tables());
        CheckSpec.RowCounts counts = checks(r, CheckSpec.RowCounts.class).get(0);
        assertEquals(snapshot.name(), counts.compareTo());
        // The checklist's own output lines say what was renamed and what was dropped.
        assertEquals(Map.of("detection_events", List.of("codebase_snapshots"),
                "git_sessions", List.of("git_agent_sessions")), counts.map());
        assertEquals(List.of("technology_knowledge"), counts.dropped());

        List<CheckSpec.CatalogObjects> tables = objects(r, ObjectKind.TABLES);
        assertTrue(tables.stream().anyMatch(t -> t.exist().size() == 6 && t.absent().isEmpty()));
        assertTrue(tables.stream().anyMatch(t -> t.absent().equals(
                List.of("detection_events", "git_sessions", "technology_knowledge"))));
        CheckSpec.CatalogObjects firstIndexes = objects(r, ObjectKind.INDEXES).get(0);
        assertEquals(new CheckSpec.ObjectSpec("codebase_snapshots_codebase_id_snapshot_id_index",
                Map.of("unique", "true")), firstIndexes.exist().get(1));
        assertEquals(5, objects(r, ObjectKind.INDEXES).size());
        CheckSpec.CatalogObjects columns = objects(r, ObjectKind.COLUMNS).get(0);
        assertEquals("codebase_snapshots", columns.table());
        assertEquals(9, columns.exist().size());
        assertEquals(1, checks(r, CheckSpec.Activity.class).size());
        assertEquals(3, r.steps().filter(Step::isSignoff).count());
        assertTrue(result.summary().warnings().stream().anyMatch(w -> w.message().contains("no role")));
    }

    @Test
    void mapsTheSchemaFixesSeedsExpectedValuesAndSplitsLabelledUnionBlocksIntoOneQueryPerBranch() throws Exception {
        ImportResult result = importFixture("seeds/001_d6444c5d4bc6e301.txt");
        Runbook r = ImportFixtures.load(result);
        List<CheckSpec.Query> queries = checks(r, CheckSpec.Query.class);
        assertTrue(queries.stream().anyMatch(q -> q.expect().equals(new Expectation.Text("3.7.0"))
                && q.sql().equals("SELECT value FROM database_metadata WHERE key = 'version'")));
        assertTrue(queries.stream().anyMatch(q -> q.expect().equals(
                new Expectation.Compare(Expectation.Op.GE, new BigDecimal("4")))));
        assertTrue(queries.stream().anyMatch(q -> q.label().startsWith("Orphaned payments")
                && q.sql().startsWith("SELECT COUNT(*)") && q.expect().describe().equals("= 0")));
        assertEquals(4, queries.stream().filter(q -> q.expect().equals(new Expectation.Text("PASS"))).count());
        // "Both should be: character varying | 200" is psql's row format for the last two columns of two rows.
        assertTrue(queries.stream().anyMatch(q -> q.label().equals("Verify type fixes (line 108)")
                && q.sql().startsWith("SELECT count(*) FILTER (WHERE q.data_type::text IS NOT DISTINCT FROM "
                + "'character varying' AND q.character_maximum_length::text IS NOT DISTINCT FROM '200')")
                && q.expect().equals(new Expectation.Text("2 of 2 match"))));
        assertEquals(1, checks(r, CheckSpec.Activity.class).stream()
                .filter(a -> Integer.valueOf(0).equals(a.longTransactions())).count());
        // The rollback's "Should return: 3.6.0 (or previous version)" is not one value.
        assertTrue(result.summary().unmapped().stream().anyMatch(u -> u.reason().contains("3.6.0 (or previous")));
        assertTrue(r.steps().anyMatch(Step::isSignoff), "Person Performing Deployment signs");
    }

    @Test
    void mapsTheStagingSeedsConstraintTestsToRejectsAndAcceptsWithTheStatementsBeforeThemAsSetup() throws Exception {
        ImportResult result = importFixture("seeds/002_77f05fae06ba39ae.txt");
        Runbook r = ImportFixtures.load(result);
        assertEquals(Environment.STAGING, r.target().environment());
        CheckSpec.Statement rejects = checks(r, CheckSpec.Statement.class).stream()
                .filter(CheckSpec.Statement::expectRejection).findFirst().orElseThrow();
        assertEquals("23505", rejects.sqlstate());
        assertTrue(rejects.setup().contains("'test-001', 'manual_test'"));
        assertTrue(checks(r, CheckSpec.Statement.class).stream().anyMatch(s -> !s.expectRejection()
                && s.sql().contains("'different_type'")));
        assertTrue(checks(r, CheckSpec.Explain.class).stream()
                .anyMatch(e -> e.expect() == CheckSpec.PlanExpectation.INDEX_SCAN && "jobs".equals(e.table())));
        // The join's driving table is read whole; "index usage on foreign keys" is about the lookups into users.
        assertTrue(checks(r, CheckSpec.Explain.class).stream()
                .anyMatch(e -> e.sql().contains("JOIN users") && "users".equals(e.table())));
        assertTrue(result.summary().unmapped().stream().noneMatch(u -> u.sql().startsWith("INSERT INTO markets")));
        assertTrue(checks(r, CheckSpec.Manual.class).stream().noneMatch(m -> m.text().contains("'<audit_id>'")));
        assertTrue(checks(r, CheckSpec.Statement.class).stream().noneMatch(s -> s.sql().contains("<")));
    }

    @Test
    void aLaterItemThatSaysWhatTheExplainOutputMustShowTurnsTheEarlierItemsExplainsIntoPlanChecks() throws Exception {
        ImportResult result = importFixture("seeds/000_e9387a216e638fd6.txt");
        Runbook r = ImportFixtures.load(result);
        List<CheckSpec.Explain> plans = checks(r, CheckSpec.Explain.class);
        assertEquals(List.of("codebase_snapshots", "git_agent_sessions", "technology_templates"),
                plans.stream().map(CheckSpec.Explain::table).toList());
        assertTrue(plans.stream().allMatch(p -> p.label().startsWith("Indexes being used (check EXPLAIN output)")
                && p.expect() == CheckSpec.PlanExpectation.INDEX_SCAN));
        // The item that ran them ("should be same or better") keeps its block for the operator to compare.
        assertTrue(checks(r, CheckSpec.Manual.class).stream().anyMatch(m -> m.text().startsWith("Check query "
                + "performance (should be same or better):") && m.text().contains("EXPLAIN ANALYZE SELECT * FROM "
                + "git_agent_sessions")));
        assertTrue(result.summary().unmapped().stream().noneMatch(u -> u.sql().startsWith("EXPLAIN")));
    }

    @Test
    void allExpectedTablesExistAfterABlockDescribingTablesOneByOneChecksThoseTables() throws Exception {
        ImportResult result = importFixture("seeds/002_77f05fae06ba39ae.txt");
        Runbook r = ImportFixtures.load(result);
        CheckSpec.CatalogObjects tables = objects(r, ObjectKind.TABLES).stream()
                .filter(t -> t.label().startsWith("All expected tables exist")).findFirst().orElseThrow();
        assertEquals(List.of("jobs", "users", "markets", "audit_event", "events", "snapshots", "channel_counters"),
                tables.exist().stream().map(CheckSpec.ObjectSpec::name).toList());
        // Nobody stated their columns: the \d lines stay for the operator.
        assertTrue(result.summary().unmapped().stream().anyMatch(u -> u.sql().equals("\\d jobs")));
    }

    @Test
    void fillsPlaceholdersFromAnEarlierReturningInsideTheProbesTransactionAndSaysSo() throws Exception {
        ImportResult result = importFixture("seeds/002_77f05fae06ba39ae.txt");
        Runbook r = ImportFixtures.load(result);
        CheckSpec.Statement noApproval = checks(r, CheckSpec.Statement.class).stream()
                .filter(s -> s.sql().contains("'TEST-MKT-2'")).findFirst().orElseThrow();
        assertTrue(noApproval.expectRejection());
        assertEquals("23502", noApproval.sqlstate());
        assertTrue(noApproval.sql().contains("(SELECT user_id FROM rp_returned_1), NULL)"), noApproval.sql());
        assertTrue(noApproval.setup().contains("CREATE TEMP TABLE rp_returned_1 ON COMMIT DROP AS SELECT user_id "
                + "FROM users WITH NO DATA"), noApproval.setup());
        assertTrue(noApproval.setup().contains("RETURNING user_id\n) INSERT INTO rp_returned_1"));
        CheckSpec.Statement update = checks(r, CheckSpec.Statement.class).stream()
                .filter(s -> s.sql().startsWith("UPDATE audit_event")).findFirst().orElseThrow();
        assertEquals("audit_event table is append-only", update.messageContains());
        assertTrue(update.sql().endsWith("WHERE audit_id = (SELECT audit_id FROM rp_returned_1)"));
        assertTrue(result.summary().warnings().stream().anyMatch(w -> w.line() == 220
                && w.message().startsWith("placeholder <user_id> filled with the value the statement at line 209")));
        assertTrue(result.summary().warnings().stream().noneMatch(w -> w.message().contains("<user_id>: the operator")));
    }

    @Test
    void keepsAReadManualWhenItFollowsWritesLeftToTheOperatorInTheSameBlock() throws Exception {
        // Step 13 drops the tables by hand in a scratch database, then "\dt -- Should not show 'jobs'".
        ImportResult result = importFixture("seeds/002_77f05fae06ba39ae.txt");
        Runbook r = ImportFixtures.load(result);
        assertTrue(objects(r, ObjectKind.TABLES).stream().noneMatch(t -> t.absent().contains("jobs")));
        assertTrue(result.summary().unmapped().stream().anyMatch(u -> u.line() == 327
                && u.reason().contains("left to the operator in the same block (from line 322)")));
        // It states its expectation, so it still counts as machine-verifiable and not automated.
        assertEquals(10, result.summary().verifiable());
        assertEquals(9, result.summary().verifiedAutomatically());
    }

    @Test
    void readsNumberedListsSetextHeadingsAndStarBulletsAndComparesRenamedTablesFromTheDocumentsAlterStatement()
            throws Exception {
        ImportResult result = importFixture("numbered-setext.md");
        Runbook r = ImportFixtures.load(result);
        assertEquals("Release 42 — production database upgrade", r.title());
        assertEquals(Environment.PRODUCTION, r.target().environment());
        // The migration line is the "Upgrade" step's command; the item after it is confirmed after it ran.
        assertEquals(List.of("before-the-upgrade", "upgrade", "upgrade-continued", "after-the-upgrade"),
                r.steps().map(Step::id).toList());
        assertEquals(1, checks(r, CheckSpec.Activity.class).size());
        CheckSpec.RowCounts counts = checks(r, CheckSpec.RowCounts.class).get(0);
        assertEquals(Map.of("orders", List.of("purchase_orders")), counts.map());
        assertTrue(objects(r, ObjectKind.TABLES).get(0).exist().stream()
                .anyMatch(o -> o.name().equals("purchase_orders")));
        assertEquals(List.of("alembic upgrade head"),
                checks(r, CheckSpec.Command.class).stream().map(c -> c.run().shell()).toList());
        assertTrue(checks(r, CheckSpec.Manual.class).stream().noneMatch(m -> m.text().contains("alembic upgrade head")),
                "the command is the runbook's to run, not also the operator's");
        assertTrue(result.summary().warnings().stream().anyMatch(w -> w.message().contains("YYYYMMDD")));
        assertTrue(checks(r, CheckSpec.Query.class).stream().anyMatch(q -> q.expect().equals(new Expectation.Text("1.3"))),
                "a version compares as text, never as the number 1.3");
    }

    @Test
    void turnsTableRowsWithSqlAndExpectedColumnsIntoQueriesAndTheSignatureIntoADbaSignoff() throws Exception {
        ImportResult result = importFixture("table-checks.md");
        Runbook r = ImportFixtures.load(result);
        assertEquals(Environment.STAGING, r.target().environment());
        List<CheckSpec.Query> queries = checks(r, CheckSpec.Query.class);
        assertEquals(3, queries.size());
        assertEquals(new Expectation.Text("2.0.1"), queries.get(0).expect());
        assertEquals(">= 1", queries.get(2).expect().describe());
        assertTrue(result.summary().unmapped().stream().anyMatch(u -> u.reason().contains("roughly a million")));
        CheckSpec.Signoff signoff = checks(r, CheckSpec.Signoff.class).get(0);
        assertEquals(List.of("DBA"), signoff.roles());
        assertTrue(r.description().contains("<!-- Reviewer: sign after every check passed -->")
                || r.steps().anyMatch(s -> s.description() != null && s.description().contains("Reviewer")));
    }

    @Test
    void readsHtmlCommentsTabsNestedCheckboxesTildeFencesAndAnUnclosedFence() throws Exception {
        String crlf = ImportFixtures.read("html-nested.md").replace("\n", "\r\n");
        ImportResult result = ChecklistImporter.importMarkdown(crlf, "html-nested.md");
        Runbook r = ImportFixtures.load(result);
        CheckSpec.Statement rejects = checks(r, CheckSpec.Statement.class).get(0);
        assertEquals("23503", rejects.sqlstate());
        assertEquals("INSERT INTO payments (id, order_id) VALUES (1, -1)", rejects.sql());
        CheckSpec.CatalogObjects indexes = objects(r, ObjectKind.INDEXES).get(0);
        assertEquals(List.of("payments_pkey", "payments_order_id_idx"),
                indexes.exist().stream().map(CheckSpec.ObjectSpec::name).toList());
        assertEquals(List.of("id", "order_id", "amount_cents"), objects(r, ObjectKind.COLUMNS).get(0).exist()
                .stream().map(CheckSpec.ObjectSpec::name).toList());
        assertTrue(checks(r, CheckSpec.Query.class).stream().anyMatch(q -> q.sql().contains("amount_cents <= 0")));
        assertTrue(result.summary().warnings().stream().anyMatch(w -> w.message().contains("never closed")));
        assertTrue(result.summary().warnings().stream().anyMatch(w -> w.message().contains("<order_id>")));
        assertTrue(r.description().contains("<!-- generated from the team wiki; do not edit by hand -->"));
        assertEquals(MarkdownBlocks.lines(crlf).size(), result.lines().size());
    }

    @Test
    void keepsWritesWithoutAStatedOutcomeAndSelectsThatLockAsManualNeverAsAutomatedChecks() throws Exception {
        String md = """
                # Cleanup
                - [ ] Remove stale rows:
                  ```sql
                  DELETE FROM sessions WHERE expires_at < now();
                  -- Expected: 0
                  ```
                - [ ] Lock check (should return 1):
                  ```sql
                  SELECT 1 FROM jobs FOR UPDATE;
                  ```
                - [ ] Count via into (expected: 0): `SELECT count(*) INTO tmp_counts FROM jobs;`
                """;
        ImportResult result = ChecklistImporter.importMarkdown(md, "cleanup.md");
        Runbook r = ImportFixtures.load(result);
        assertTrue(checks(r).stream().allMatch(c -> c instanceof CheckSpec.Manual));
        assertEquals(3, result.summary().unmapped().size());
        assertEquals(0, result.summary().automated());
    }

    @Test
    void aRejectsCheckNeedsTheExpectedErrorAnyFailureIsNotProof() throws Exception {
        String md = """
                # Constraint
                ```sql
                -- Should FAIL
                INSERT INTO t VALUES (1);
                ```
                """;
        ImportResult result = ChecklistImporter.importMarkdown(md, "c.md");
        assertTrue(checks(ImportFixtures.load(result)).stream().allMatch(c -> c instanceof CheckSpec.Manual));
        assertTrue(result.summary().unmapped().get(0).reason().contains("no error message or SQLSTATE"));
    }

    @Test
    void givesDuplicateHeadingsUniqueStepIdsAndAccountsForEveryLine() throws Exception {
        String md = "# T\n## Phase\n### Verify\n- [ ] a\n### Verify\n- [ ] b\n## Other\n### Verify\n- [ ] c\n";
        ImportResult result = ChecklistImporter.importMarkdown(md, "dup.md");
        Runbook r = ImportFixtures.load(result);
        assertEquals(List.of("verify", "verify-2", "verify-3"), r.steps().map(Step::id).toList());
        assertEquals(9, result.lines().size());
        assertEquals(List.of(Use.HEADING, Use.HEADING, Use.HEADING, Use.MANUAL), result.lines().subList(0, 4)
                .stream().map(ImportResult.LineUse::use).toList());
    }

    @Test
    void aDocumentWithoutItemsStillGivesALoadableRunbookThatCarriesItsText() throws Exception {
        ImportResult result = ChecklistImporter.importMarkdown("Just some prose.\n\nAnd more.\n", "prose.md");
        Runbook r = ImportFixtures.load(result);
        assertTrue(r.description().contains("Just some prose."));
        assertEquals(1, checks(r).size());
        assertTrue(result.summary().warnings().stream().anyMatch(w -> w.message().contains("no items")));
    }

    @Test
    void theSummaryListsUnmappedSqlWithLineNumbersAndTheRatio() throws Exception {
        ImportResult result = importFixture("table-checks.md");
        String text = result.summary().render();
        assertTrue(text.contains("machine-verifiable statements found: 4, automated as checks: 3 (75%)"), text);
        assertTrue(text.contains("line 9: SELECT reltuples"), text);
    }

    @Test
    void anAutomatedItemKeepsItsOtherCommandsAsByHandWorkAndItsNotesInTheStepDescription() throws Exception {
        String md = "# T\n## Checks\n"
                + "1. Back up and confirm the config exists:\n"
                + "   ```bash\n"
                + "   pg_dump -Fc -t orders shop > orders.dump\n"
                + "   psql -d shop -c \"SELECT count(*) FROM part_config\"\n"
                + "   # Expected: 1\n"
                + "   ```\n"
                + "   - if non-zero, stop here and page the on-call DBA\n";
        ImportResult result = ChecklistImporter.importMarkdown(md, "c.md");
        Runbook r = ImportFixtures.load(result);
        Step step = r.steps().findFirst().orElseThrow();
        assertEquals(2, step.checks().size());
        // The dump comes before the checked statement, so the operator is asked to do it first.
        CheckSpec.Manual byHand = (CheckSpec.Manual) step.checks().get(0);
        assertTrue(byHand.text().startsWith("Also do by hand"), byHand.text());
        assertTrue(byHand.text().contains("pg_dump -Fc -t orders shop > orders.dump"), byHand.text());
        assertTrue(step.checks().get(1) instanceof CheckSpec.Query);
        assertTrue(step.description().contains("if non-zero, stop here and page the on-call DBA"));
        assertEquals(Use.MANUAL, result.lines().get(4).use());
        assertEquals(Use.DESCRIPTION, result.lines().get(8).use());
        assertEquals(List.of(), LineAccounting.lostLines(md, result));
    }

    @Test
    void anAutomatedItemKeepsCodeInAnotherLanguageAsByHandWork() throws Exception {
        String md = "# T\n## Checks\n- [ ] Orphans (should return 0): `SELECT count(*) FROM o WHERE p IS NULL;`\n"
                + "  ```elixir\n  Repo.delete_all(Orphan)\n  ```\n";
        ImportResult result = ChecklistImporter.importMarkdown(md, "c.md");
        Step step = ImportFixtures.load(result).steps().findFirst().orElseThrow();
        assertTrue(step.checks().stream().anyMatch(c -> c instanceof CheckSpec.Manual m
                && m.text().contains("Repo.delete_all(Orphan)")));
        assertEquals(List.of(), LineAccounting.lostLines(md, result));
    }

    @Test
    void countsEveryStatedStatementOfAnItemNotTheItemOnce() throws Exception {
        String md = "# T\n## Checks\n- [ ] Nothing invalid (all should return 0):\n  ```sql\n"
                + "  SELECT count(*) FROM a WHERE bad;\n  SELECT count(*) FROM c WHERE id = '<id>';\n  ```\n";
        ImportSummary s = ChecklistImporter.importMarkdown(md, "c.md").summary();
        assertEquals(1, s.automated());
        assertEquals(2, s.verifiable());
        assertEquals(1, s.verifiedAutomatically());
    }

    @Test
    void listsSqlTheImporterCannotReadAsNotRecognisedAndCountsItWhenAResultIsStated() throws Exception {
        String md = "# T\n## Checks\n- [ ] Done\n\n1. Check sessions: `SELECT * FROM pg_stat_activity;`\n"
                + "2. Old rows gone: `SELECT count(*) FROM t WHERE old;` must return 0\n";
        ImportSummary s = ChecklistImporter.importMarkdown(md, "c.md").summary();
        assertEquals(List.of(5, 6), s.unmapped().stream().filter(u -> u.reason().equals("not recognised"))
                .map(ImportSummary.UnmappedSql::line).toList());
        assertEquals(1, s.verifiable());
        assertEquals(0.0, s.automatedRatio());
    }

    @Test
    void readsNumberedPsqlOneLinersHeredocsAndWrittenSqlstates() throws Exception {
        ImportResult result = importFixture("numbered-psql.md");
        Runbook r = ImportFixtures.load(result);
        List<CheckSpec.Query> queries = checks(r, CheckSpec.Query.class);
        assertEquals("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::int", queries.get(0).sql());
        assertEquals("< 5", queries.get(0).expect().describe());
        // "Result: 0 rows" under a count(*) means the count: one row always comes back.
        assertEquals("= 0", queries.get(1).expect().describe());
        assertTrue(queries.stream().anyMatch(q -> q.sql().equals("SELECT count(*) FROM orders_default")
                && q.expect().describe().equals("= 0")), "the heredoc's SQL with the comment after it");
        assertEquals("23503", checks(r, CheckSpec.Statement.class).get(0).sqlstate());
        assertEquals(List.of("DBA"), checks(r, CheckSpec.Signoff.class).get(0).roles());
        assertEquals(1.0, result.summary().automatedRatio());
    }

    @Test
    void readsTablesByTheirPsqlAndPassCriterionColumnsAndSubStepsByTheirOwnExpectation() throws Exception {
        ImportResult result = importFixture("tables-nested.md");
        Runbook r = ImportFixtures.load(result);
        List<CheckSpec.Query> queries = checks(r, CheckSpec.Query.class);
        assertEquals(List.of("'7.1'", "empty", "= 0", "= 1", "'7.2'", "= 1", "'O'"),
                queries.stream().map(q -> q.expect().describe()).toList());
        assertTrue(queries.get(2).meta().name().startsWith("Locks held"), queries.get(2).meta().name());
        assertTrue(queries.get(4).meta().name().startsWith("Version bumped"), queries.get(4).meta().name());
        assertEquals("23503", checks(r, CheckSpec.Statement.class).get(0).sqlstate());
        assertEquals(List.of("accounts", "accounts_audit"), objects(r, ObjectKind.TABLES).get(0).exist().stream()
                .map(CheckSpec.ObjectSpec::name).toList());
        assertEquals(List.of("on-call DBA"), checks(r, CheckSpec.Signoff.class).get(0).roles());
    }

    @Test
    void warnsAboutEveryPlaceholderFormTheSqlCanCarry() throws Exception {
        String md = "# T\n## Checks\n- [ ] Rows of the tenant (should return 0):\n  ```sql\n"
                + "  SELECT count(*) FROM t WHERE tenant = :tenant;\n  SELECT count(*) FROM ${SCHEMA}.t;\n"
                + "  SELECT count(*) FROM backup_HHMMSS;\n  ```\n";
        List<String> warnings = ChecklistImporter.importMarkdown(md, "c.md").summary().warnings().stream()
                .map(ImportSummary.Warning::message).filter(w -> w.startsWith("placeholder")).toList();
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("placeholder :tenant"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("placeholder ${SCHEMA}"), warnings.get(1));
        assertTrue(warnings.get(2).startsWith("placeholder HHMMSS"), warnings.get(2));
    }

    @Test
    void pastedPsqlOutputIsNotListedAsSqlTheImporterCouldNotRead() throws Exception {
        String md = "# T\n## Run\n- [ ] Apply it; psql prints:\n  ```text\n  BEGIN\n  CREATE TABLE\n  INSERT 0 1\n"
                + "  UPDATE 3\n  COMMIT\n  ```\n";
        ImportSummary s = ChecklistImporter.importMarkdown(md, "c.md").summary();
        assertTrue(s.unmapped().isEmpty(), s.render());
    }

    @Test
    void aNoteStatingItsOwnStatementsResultDoesNotLendItToTheNextStatement() throws Exception {
        String md = "# T\n## Checks\n- [ ] Counts\n  `SELECT count(*) FROM a;` should return 1\n"
                + "  `SELECT count(*) FROM b;`\n";
        ImportResult result = ChecklistImporter.importMarkdown(md, "c.md");
        List<CheckSpec.Query> queries = checks(ImportFixtures.load(result), CheckSpec.Query.class);
        assertEquals(1, queries.size());
        assertEquals("SELECT count(*) FROM a", queries.get(0).sql());
        assertTrue(result.summary().unmapped().stream().anyMatch(u -> u.line() == 5
                && u.reason().contains("no expected result")), result.summary().render());
    }

    @Test
    void aStatementEndedTwiceBecomesOneRejectsCheckThatLoads() throws Exception {
        // Found by the fuzz test: ";;" made a second, empty statement and a rejects check the loader refused.
        ImportResult r = ChecklistImporter.importMarkdown("""
                - [ ] Verify:
                  1. Rejected: `INSERT INTO a VALUES (1);;` Expected error 23503
                """, "double-semicolon.md");
        List<CheckSpec.Statement> rejects = checks(ImportFixtures.load(r), CheckSpec.Statement.class);
        assertEquals(1, rejects.size());
        assertTrue(rejects.get(0).expectRejection());
        assertEquals("INSERT INTO a VALUES (1)", rejects.get(0).sql());
        assertEquals("23503", rejects.get(0).sqlstate());
    }
}
