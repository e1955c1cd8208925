package dev.runbookpilot.importer.intent;

/**
 * How sure a recogniser is that its check proves what the checklist meant. An {@link #UNSURE} intent still
 * becomes the check, but the step says so next to it ("imported from line N: ... — check this expectation"),
 * and the summary warns: the reviewer decides, nothing is assumed silently.
 */
public enum Confidence {
    /** The checklist names every object and the expected state; the check says exactly that. */
    SURE,
    /** The check follows from the wording but rests on a reading a reviewer should confirm. */
    UNSURE
}
