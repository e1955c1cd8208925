package dev.runbookpilot.report.sign;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSBoolean;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNull;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an incremental update changed between two revisions of a PDF, judged by what a reader sees rather than by
 * which objects were rewritten: the two documents are compared from their catalogs, trailers' /Info and page trees
 * down, every reachable object resolved and every stream compared byte for byte. An update that only adds a
 * signature may differ in exactly these places: a new signature field in the AcroForm's /Fields (plus /SigFlags and
 * the form's default resources), its widget appended to one page's /Annots, and the catalog's /DSS. Anything else
 * (a changed content stream, a new page, an annotation, a changed field, an OpenAction) is a change.
 *
 * <p>A later signature must be invisible (its widget's rectangle has no area): a drawn block sits on top of the
 * page, where it could cover what the earlier signers saw.
 */
final class PdfUpdateCheck {
    private static final COSName DSS = COSName.getPDFName("DSS");

    private final List<String> problems = new ArrayList<>();
    private final Set<Pair> visited = new HashSet<>();
    /** The signature dictionaries of the fields this update added, to be matched with its signature. */
    private final List<COSDictionary> addedSignatures = new ArrayList<>();
    private final Map<COSBase, Integer> pageNumbers = new IdentityHashMap<>();

    /** Identity of a pair of resolved objects, one from each revision. */
    private record Pair(COSBase before, COSBase after) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && p.before == before && p.after == after;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(before) * 31 + System.identityHashCode(after);
        }
    }

    private PdfUpdateCheck() {}

    /**
     * @param before the revision the earlier signature covers
     * @param after  the next revision, which should add only {@code signature}; null for bytes no signature
     *               covers, which should add nothing
     * @return what the update changed besides adding that signature; empty when nothing
     */
    static List<String> changes(PDDocument before, PDDocument after, COSDictionary signature) {
        PdfUpdateCheck c = new PdfUpdateCheck();
        c.run(before, after, signature);
        return c.problems;
    }

    private void run(PDDocument before, PDDocument after, COSDictionary signature) {
        var pagesAfter = after.getPages();
        for (int i = 0; i < pagesAfter.getCount(); i++) pageNumbers.put(pagesAfter.get(i).getCOSObject(), i + 1);
        if (before.getNumberOfPages() != after.getNumberOfPages()) {
            problems.add("the number of pages changed from " + before.getNumberOfPages() + " to "
                    + after.getNumberOfPages());
        }
        COSDictionary trailerBefore = before.getDocument().getTrailer();
        COSDictionary trailerAfter = after.getDocument().getTrailer();
        compare(trailerBefore.getDictionaryObject(COSName.INFO), trailerAfter.getDictionaryObject(COSName.INFO),
                "the document information (/Info)");
        compare(trailerBefore.getDictionaryObject(COSName.ENCRYPT), trailerAfter.getDictionaryObject(COSName.ENCRYPT),
                "the encryption dictionary");
        COSDictionary catalogBefore = before.getDocumentCatalog().getCOSObject();
        COSDictionary catalogAfter = after.getDocumentCatalog().getCOSObject();
        compareDict(catalogBefore, catalogAfter, "the catalog", Set.of(COSName.ACRO_FORM, DSS));
        acroForm(catalogBefore.getCOSDictionary(COSName.ACRO_FORM), catalogAfter.getCOSDictionary(COSName.ACRO_FORM));
        if (signature == null) {
            if (!addedSignatures.isEmpty()) problems.add("it adds a signature field that no signature covers");
            return;
        }
        boolean found = false;
        for (COSDictionary added : addedSignatures) {
            if (added == signature) found = true;
            else problems.add("it adds a second signature field besides its own signature");
        }
        if (!found) problems.add("its signature is not in a new signature field of the form");
    }

    private void acroForm(COSDictionary before, COSDictionary after) {
        if (after == null) {
            problems.add("it removes the form that holds the signatures");
            return;
        }
        COSDictionary empty = new COSDictionary();
        COSDictionary b = before == null ? empty : before;
        compareDict(b, after, "the form (/AcroForm)", Set.of(COSName.FIELDS, COSName.SIG_FLAGS, COSName.DR));
        COSArray fieldsBefore = before == null ? new COSArray() : orEmpty(before.getCOSArray(COSName.FIELDS));
        COSArray fieldsAfter = orEmpty(after.getCOSArray(COSName.FIELDS));
        if (fieldsAfter.size() < fieldsBefore.size()) {
            problems.add("it removes fields from the form");
            return;
        }
        for (int i = 0; i < fieldsBefore.size(); i++) {
            compare(fieldsBefore.getObject(i), fieldsAfter.getObject(i), "form field " + (i + 1));
        }
        for (int i = fieldsBefore.size(); i < fieldsAfter.size(); i++) {
            if (!(fieldsAfter.getObject(i) instanceof COSDictionary field) || !isSignatureField(field)
                    || !(field.getDictionaryObject(COSName.V) instanceof COSDictionary value)) {
                problems.add("it adds form field " + (i + 1) + ", which is not a signed signature field");
                continue;
            }
            addedSignatures.add(value);
        }
    }

    private static COSArray orEmpty(COSArray a) {
        return a == null ? new COSArray() : a;
    }

    private static boolean isSignatureField(COSDictionary d) {
        if (COSName.SIG.equals(d.getCOSName(COSName.FT))) return true;
        return d.getDictionaryObject(COSName.PARENT) instanceof COSDictionary parent
                && COSName.SIG.equals(parent.getCOSName(COSName.FT));
    }

    private void compare(COSBase before, COSBase after, String where) {
        COSBase b = resolve(before);
        COSBase a = resolve(after);
        if (b == null || a == null) {
            if (b != a) problems.add(where + (b == null ? " was added" : " was removed"));
            return;
        }
        if (!visited.add(new Pair(b, a))) return;
        if (b instanceof COSStream sb && a instanceof COSStream sa) {
            compareDict(sb, sa, where, Set.of());
            if (!Arrays.equals(raw(sb), raw(sa))) problems.add(where + ": its stream data changed");
        } else if (b instanceof COSDictionary db && a instanceof COSDictionary da
                && !(b instanceof COSStream) && !(a instanceof COSStream)) {
            if (COSName.PAGE.equals(da.getCOSName(COSName.TYPE))) {
                String page = "page " + pageNumbers.getOrDefault(da, 0);
                compareDict(db, da, page, Set.of(COSName.ANNOTS));
                annotations(db.getCOSArray(COSName.ANNOTS), da.getCOSArray(COSName.ANNOTS), page);
            } else {
                compareDict(db, da, where, Set.of());
            }
        } else if (b instanceof COSArray ab && a instanceof COSArray aa) {
            if (ab.size() != aa.size()) {
                problems.add(where + ": an array changed length from " + ab.size() + " to " + aa.size());
                return;
            }
            for (int i = 0; i < ab.size(); i++) compare(ab.get(i), aa.get(i), where + "[" + i + "]");
        } else if (!sameValue(b, a)) {
            problems.add(where + " changed from " + b + " to " + a);
        }
    }

    private void compareDict(COSDictionary before, COSDictionary after, String where, Set<COSName> skip) {
        Set<COSName> keys = new HashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (COSName key : keys) {
            if (skip.contains(key)) continue;
            compare(before.getItem(key), after.getItem(key), where + " /" + key.getName());
        }
    }

    /** A page's annotations: the earlier ones unchanged and in place, the new ones invisible signature widgets. */
    private void annotations(COSArray before, COSArray after, String page) {
        COSArray b = orEmpty(before);
        COSArray a = orEmpty(after);
        if (a.size() < b.size()) {
            problems.add(page + ": annotations were removed");
            return;
        }
        for (int i = 0; i < b.size(); i++) compare(b.get(i), a.get(i), page + " annotation " + (i + 1));
        for (int i = b.size(); i < a.size(); i++) {
            if (!(a.getObject(i) instanceof COSDictionary annot)) {
                problems.add(page + ": annotation " + (i + 1) + " was added and is not a dictionary");
                continue;
            }
            COSName subtype = annot.getCOSName(COSName.SUBTYPE);
            if (!COSName.WIDGET.equals(subtype) || !isSignatureField(annot)) {
                problems.add(page + ": an annotation was added" + (subtype == null ? "" : " (" + subtype.getName()
                        + ")") + " that is not a signature");
            } else if (area(annot.getCOSArray(COSName.RECT)) != 0) {
                problems.add(page + ": a later signature draws a visible block on the page, where it could cover "
                        + "what was signed before");
            }
        }
    }

    private static double area(COSArray rect) {
        if (rect == null || rect.size() != 4) return 0;
        float[] r = rect.toFloatArray();
        return Math.abs((r[2] - r[0]) * (r[3] - r[1]));
    }

    private static COSBase resolve(COSBase b) {
        COSBase r = b instanceof COSObject o ? o.getObject() : b;
        return r instanceof COSNull ? null : r;
    }

    private static boolean sameValue(COSBase b, COSBase a) {
        if (b instanceof COSNumber nb && a instanceof COSNumber na) {
            return nb.floatValue() == na.floatValue() && nb.longValue() == na.longValue();
        }
        if (b instanceof COSString sb && a instanceof COSString sa) return Arrays.equals(sb.getBytes(), sa.getBytes());
        if (b instanceof COSName nb && a instanceof COSName na) return nb.equals(na);
        if (b instanceof COSBoolean bb && a instanceof COSBoolean ba) return bb.getValue() == ba.getValue();
        return false;
    }

    private byte[] raw(COSStream s) {
        try (InputStream in = s.createRawInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            problems.add("a stream cannot be read: " + e.getMessage());
            return new byte[0];
        }
    }
}
