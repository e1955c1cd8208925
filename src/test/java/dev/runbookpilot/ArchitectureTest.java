package dev.runbookpilot;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages' layering, enforced as an allow-list: every package is placed in a layer, and a layer may be used
 * only by the layers named here. A new package or a new upward dependency fails the build until it is placed
 * here on purpose.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.runbookpilot");
    }

    @Test
    void everyPackageHasItsPlaceAndOnlyHigherLayersUseIt() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.runbookpilot..")
                .ensureAllClassesAreContainedInArchitecture()
                .layer("io").definedBy("dev.runbookpilot.io..")
                .layer("sql").definedBy("dev.runbookpilot.sql..")
                .layer("runbook").definedBy("dev.runbookpilot.runbook..")
                .layer("db").definedBy("dev.runbookpilot.db..")
                .layer("proc").definedBy("dev.runbookpilot.proc..")
                .layer("check").definedBy("dev.runbookpilot.check..")
                .layer("session").definedBy("dev.runbookpilot.session..")
                .layer("report").definedBy("dev.runbookpilot.report..")
                .layer("demo").definedBy("dev.runbookpilot.demo..")
                .layer("importer").definedBy("dev.runbookpilot.importer..")
                .layer("app").definedBy("dev.runbookpilot.app..")
                .layer("ui").definedBy("dev.runbookpilot.ui..")
                .layer("cli").definedBy("dev.runbookpilot.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("ui").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("app").mayOnlyBeAccessedByLayers("ui", "cli")
                .whereLayer("importer").mayOnlyBeAccessedByLayers("app", "ui", "cli")
                // A backup's restore drill may start a throw-away embedded server as its scratch server.
                .whereLayer("demo").mayOnlyBeAccessedByLayers("check", "app", "ui", "cli")
                .whereLayer("report").mayOnlyBeAccessedByLayers("app", "ui", "cli")
                .whereLayer("session").mayOnlyBeAccessedByLayers("report", "app", "ui", "cli")
                .whereLayer("check").mayOnlyBeAccessedByLayers("session", "report", "app", "ui", "cli")
                // Child processes against the target (migration tools, pg_dump): judged by check, run by session.
                .whereLayer("proc").mayOnlyBeAccessedByLayers("check", "session", "report", "app", "ui", "cli")
                .whereLayer("db").mayOnlyBeAccessedByLayers("proc", "check", "session", "report", "demo", "app", "ui",
                        "cli")
                .whereLayer("runbook").mayOnlyBeAccessedByLayers("db", "proc", "check", "session", "report", "demo",
                        "importer", "app", "ui", "cli")
                // The one SQL lexer and the check guard: the loader, the engine and the importer all read SQL with it.
                .whereLayer("sql").mayOnlyBeAccessedByLayers("runbook", "db", "check", "session", "report", "demo",
                        "importer", "app", "ui", "cli")
                .whereLayer("io").mayOnlyBeAccessedByLayers("runbook", "db", "check", "session", "report", "demo",
                        "importer", "app", "ui", "cli")
                .check(classes);
    }

    @Test
    void onlyTheUiPackageImportsJavafx() {
        noClasses().that().resideOutsideOfPackage("dev.runbookpilot.ui..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(classes);
    }

    /** A view model is testable without a stage: it holds properties and lists, never controls or scenes. */
    @Test
    void viewModelsUseOnlyJavafxPropertiesAndCollections() {
        noClasses().that().resideInAPackage("dev.runbookpilot.ui..").and().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat(resideInAPackage("javafx..")
                        .and(not(resideInAnyPackage("javafx.beans..", "javafx.collections.."))))
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.runbookpilot.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void logicLogsThroughSlf4jAndNeverPrintsToTheConsole() {
        noClasses().that().resideOutsideOfPackage("dev.runbookpilot.cli..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .check(classes);
    }
}
