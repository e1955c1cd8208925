package dev.runbookpilot.importer;

import java.util.regex.Pattern;

/**
 * Plain bullets that are criteria, in a checklist that otherwise ticks checkboxes. Such a checklist uses plain
 * bullets for prose (notes, context, links), so {@link ItemReader} reads them as the step's text; but a list under
 * a heading or a label line that announces criteria ("### Success criteria", "**Verification:**", "Expected
 * results", "Acceptance criteria", "Migration is successful when:") states what must hold afterwards, one thing per
 * bullet, exactly what a checkbox item states. Those bullets become items, so that the recognisers read them and
 * what they cannot read is still confirmed by hand instead of scrolling past as description.
 */
final class CriteriaLists {

    private CriteriaLists() {}

    /** The words that announce criteria, in a heading or a label. */
    private static final String CRITERIA = "(?:success|acceptance|exit|done|completion|pass)\\s+criteri(?:a|on|ons)"
            + "|criteri(?:a|on)\\s+(?:for\\s+)?(?:success|acceptance|done)"
            + "|expected\\s+(?:results?|outcomes?|state|end\\s+state)"
            + "|verification|validation|(?:pre|post)[- ]?checks"
            + "|post[- ]?conditions?|definition\\s+of\\s+done|acceptance";

    /** A heading whose words are criteria, with at most a step number or a short qualifier around them. */
    private static final Pattern HEADING = Pattern.compile(
            "(?i)^\\W*(?:(?:step|phase|part)?\\s*[\\dIVX]+[.):]?\\s*[-—–:]?\\s*)?(?:[\\p{L}\\d]+[\\s-]+){0,2}(?:"
                    + CRITERIA + ")\\W*$");

    /**
     * A label line on its own ("**Success criteria:**", "Verification:", "Migration is successful when:",
     * "Done when:"): the list right under it holds the criteria.
     */
    private static final Pattern LABEL = Pattern.compile(
            "(?i)^[*_\\s]*(?:(?:[\\p{L}\\d]+[\\s-]+){0,2}(?:" + CRITERIA + ")"
                    + "|(?:\\S+\\s+){0,3}(?:is|are|was)\\s+(?:successful|complete|done|finished|good)\\s+(?:when|if)"
                    + "|(?:done|finished|successful)\\s+when)[*_\\s]*:[*_\\s]*$");

    /** A bullet that only points elsewhere or asks something states nothing to confirm. */
    private static final Pattern NOT_A_CRITERION = Pattern.compile(
            "(?i)^\\W*(?:see|refer\\s+to|more\\s+(?:at|in|on)|details?\\s+(?:at|in)|notes?:|link:|docs?:|cf\\.)\\b.*"
                    + "|^\\W*\\[[^]]*]\\([^)]*\\)\\W*$|.*\\?\\s*$");

    /** Whether a heading's text announces a list of criteria. */
    static boolean announcedByHeading(String headingText) {
        return HEADING.matcher(headingText.replace("`", "")).matches();
    }

    /** Whether a text line is a label announcing the list under it as criteria. */
    static boolean isLabel(String text) {
        return LABEL.matcher(text).matches();
    }

    /** Whether a plain bullet under a criteria heading or label states a criterion (not a pointer or a question). */
    static boolean isCriterion(String bulletText) {
        String t = bulletText.strip();
        return !t.isEmpty() && !NOT_A_CRITERION.matcher(t).matches();
    }
}
