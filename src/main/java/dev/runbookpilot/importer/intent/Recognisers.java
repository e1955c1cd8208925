package dev.runbookpilot.importer.intent;

import java.util.List;
import java.util.Optional;

/** The recognisers the importer asks, in order; the first that recognises an item speaks for it. */
public final class Recognisers {

    private Recognisers() {}

    /**
     * Order matters only where two could read the same item: the narrower reading comes first (a backfill sentence
     * names a column, so it goes before the object lists; a backup is checked before the rehearsal note).
     */
    public static final List<Recogniser> ALL = List.of(
            new ServerVersionRecogniser(),
            new MigrationStatusRecogniser(),
            new NoActiveConnectionsRecogniser(),
            new BackfilledRecogniser(),
            new RowCountsRecogniser(),
            new ForeignKeysRecogniser(),
            new StatedResultRecogniser(),
            new CatalogLookupRecogniser(),
            new MetaCommandListRecogniser(),
            new CountQueriesRecogniser(),
            new ExtensionRecogniser(),
            new RowSecurityRecogniser(),
            new NamedObjectsRecogniser(),
            new CreatedObjectsRecogniser(),
            new InlineSqlInProseRecogniser(),
            new ShellBlockExpectationRecogniser(),
            new BackupRecogniser(),
            new RehearsalRecogniser());

    /** The first intent any recogniser finds in the item. */
    public static Optional<Intent> recognise(Item item, Recogniser.Context context) {
        for (Recogniser r : ALL) {
            Optional<Intent> intent = r.recognise(item, context);
            if (intent.isPresent()) return intent;
        }
        return Optional.empty();
    }
}
