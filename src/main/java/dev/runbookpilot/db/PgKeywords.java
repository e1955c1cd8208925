package dev.runbookpilot.db;

import dev.runbookpilot.runbook.EditDistance;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The libpq connection keywords (PostgreSQL 17), and which of them Runbook Pilot uses, maps or only tolerates. */
final class PgKeywords {
    /** Keywords the resolver interprets itself. */
    static final Set<String> CORE = Set.of(
            "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode", "service");

    /** Keywords that have a pgjdbc property of their own; see {@link ConnectionResolver}. */
    static final Set<String> MAPPED = Set.of(
            "application_name", "connect_timeout", "sslcert", "sslkey", "sslrootcert", "sslpassword",
            "target_session_attrs", "gssencmode", "gsslib", "krbsrvname", "keepalives", "channel_binding",
            "sslnegotiation", "require_auth");

    /** Valid libpq keywords without a pgjdbc equivalent: accepted and ignored with a warning. */
    static final Set<String> IGNORED = Set.of(
            "options", "fallback_application_name", "client_encoding", "keepalives_idle", "keepalives_interval",
            "keepalives_count", "tcp_user_timeout", "replication", "sslcompression", "sslcertmode", "sslcrl",
            "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version",
            "gssdelegation", "load_balance_hosts");

    /** Keywords whose values are secrets and must never be echoed. */
    static final Set<String> SECRET = Set.of("password", "sslpassword");

    static final List<String> SSLMODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private PgKeywords() {}

    static boolean isKnown(String keyword) {
        return CORE.contains(keyword) || MAPPED.contains(keyword) || IGNORED.contains(keyword);
    }

    /** The most frequently used keywords, for "known keywords are ..." hints. */
    static String commonKeywords() {
        return "host, port, dbname, user, password, sslmode, service, application_name, connect_timeout";
    }

    /** The known keyword closest to a typo, if it is close enough to be a plausible typo (edit distance <= 2). */
    static Optional<String> closest(String typo) {
        String lower = typo.toLowerCase(java.util.Locale.ROOT);
        return allKeywords().stream()
                .filter(k -> EditDistance.between(lower, k) <= 2)
                .min(Comparator.comparingInt((String k) -> EditDistance.between(lower, k)).thenComparing(k -> k));
    }

    static Optional<String> closestOf(String typo, List<String> candidates) {
        String lower = typo.toLowerCase(java.util.Locale.ROOT);
        return candidates.stream()
                .filter(k -> EditDistance.between(lower, k) <= Math.max(2, k.length() / 3))
                .min(Comparator.comparingInt((String k) -> EditDistance.between(lower, k)));
    }

    private static List<String> allKeywords() {
        return java.util.stream.Stream.of(CORE, MAPPED, IGNORED).flatMap(Set::stream).toList();
    }
}
