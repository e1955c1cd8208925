package dev.runbookpilot;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The layering DESIGN.md promises, enforced: a rule here fails the build, it is not advice. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.runbookpilot");
    }

    @Test
    void onlyTheUiPackageImportsJavafx() {
        noClasses().that().resideOutsideOfPackage("dev.runbookpilot.ui..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.runbookpilot.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void lowerLayersNeverReachUp() {
        noClasses().that().resideInAnyPackage("dev.runbookpilot.io..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.runbookpilot.runbook..",
                        "dev.runbookpilot.db..", "dev.runbookpilot.check..", "dev.runbookpilot.session..",
                        "dev.runbookpilot.report..", "dev.runbookpilot.app..", "dev.runbookpilot.cli..",
                        "dev.runbookpilot.ui..", "dev.runbookpilot.importer..", "dev.runbookpilot.demo..")
                .check(classes);
        noClasses().that().resideInAnyPackage("dev.runbookpilot.runbook..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.runbookpilot.db..",
                        "dev.runbookpilot.check..", "dev.runbookpilot.session..", "dev.runbookpilot.report..",
                        "dev.runbookpilot.cli..", "dev.runbookpilot.ui..")
                .check(classes);
        noClasses().that().resideInAnyPackage("dev.runbookpilot.db..", "dev.runbookpilot.check..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.runbookpilot.session..",
                        "dev.runbookpilot.report..", "dev.runbookpilot.cli..", "dev.runbookpilot.ui..")
                .check(classes);
        noClasses().that().resideInAnyPackage("dev.runbookpilot.session..", "dev.runbookpilot.report..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.runbookpilot.app..",
                        "dev.runbookpilot.cli..", "dev.runbookpilot.ui..")
                .check(classes);
        // The CLI and the wizard share one way to connect, find sessions and write reports; it knows neither.
        noClasses().that().resideInAnyPackage("dev.runbookpilot.app..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.runbookpilot.cli..", "dev.runbookpilot.ui..")
                .check(classes);
    }

    @Test
    void logicLogsThroughSlf4jAndNeverPrintsToTheConsole() {
        noClasses().that().resideOutsideOfPackage("dev.runbookpilot.cli..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .check(classes);
    }
}
