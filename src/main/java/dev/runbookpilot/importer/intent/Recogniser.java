package dev.runbookpilot.importer.intent;

import java.util.Optional;

/**
 * Reads one checklist item and says what it means, when it can. A recogniser is small, independent and
 * conservative: it fires only on wording it can turn into a check that FAILS whenever the checklist's intent does
 * not hold in the database, and it states its {@link Confidence} with every intent. Anything it is not sure how to
 * check it leaves alone, and the item stays a manual confirmation.
 *
 * <p>To add one: implement this interface in a file of its own in this package, add an instance to
 * {@link Recognisers#ALL}, and give it a test of its own that runs the generated check against a real database
 * in the wrong state, where the check must FAIL (see docs/import.md, "Adding a recogniser").
 */
public interface Recogniser {

    /**
     * What the item means, or empty when this recogniser does not recognise it. Only items the importer's own
     * statement mapping left without an automated check reach recognisers.
     */
    Optional<Intent> recognise(Item item, Context context);

    /** What a recogniser may know beyond the item: earlier snapshots, to compare row counts against. */
    interface Context {
        /** The latest snapshot named so far in the runbook, or null. */
        String latestSnapshot();

        /** The tables a snapshot counted (empty: every table of the schema), or null for an unknown name. */
        java.util.List<String> snapshotTables(String snapshot);

        /**
         * Tables the checklist says anywhere are renamed, old name to new: a count recorded under the old name is
         * compared with the new table's.
         */
        java.util.Map<String, String> renamedTables();

        /** Registers a new snapshot of these tables and returns its name ({@code before}, {@code before-2}, ...). */
        String newSnapshot(java.util.List<String> tables);

        /**
         * The objects of a kind ({@code indexes}, {@code tables}) the nearest block of CREATE statements above the
         * item creates, in its step or the step before; null when there is none, or when that block also drops
         * objects of the kind.
         */
        Created created(String kind);

        /** Names a block of CREATE statements creates, the line it starts at, and whether it is in the item's step. */
        record Created(java.util.List<String> names, int line, boolean sameStep) {}
    }
}
