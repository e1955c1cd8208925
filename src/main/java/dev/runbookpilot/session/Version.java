package dev.runbookpilot.session;

/** The tool's version as packaged (the jar manifest), for journals and reports. */
public final class Version {
    private Version() {}

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
