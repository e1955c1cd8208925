package dev.runbookpilot.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * With which privileges a runbook's own check SQL runs. By default that is the login's own: switching silently to
 * a narrower role changes what checks see (information_schema lists only what the current role owns or may act on,
 * and row-level security filters or refuses rows), which turns an absence check into a PASS that did not look.
 * When the operator names a role ({@value #ENVIRONMENT}), every check of runbook SQL switches to it with
 * {@code SET LOCAL ROLE} inside its transaction, with row security set to refuse rather than filter; the login must
 * be a member of it. Either way the wizard and the report say plainly which it was.
 *
 * @param role  the role checks switch to, or null to run as the login
 * @param login the connection's user
 */
public record CheckPrivileges(String role, String login, boolean superuser) {

    /** The environment variable naming the role read checks switch to. */
    public static final String ENVIRONMENT = "RUNBOOK_PILOT_CHECK_ROLE";

    static CheckPrivileges of(Connection c, String configuredRole) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT current_user, "
                + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
                + "CASE WHEN ?::text IS NULL THEN NULL "
                + "WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) THEN pg_has_role(current_user, ?, 'MEMBER') "
                + "ELSE false END")) {
            s.setString(1, configuredRole);
            s.setString(2, configuredRole);
            s.setString(3, configuredRole);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (configuredRole != null && !rs.getBoolean(3)) {
                    throw new SQLException("checks are to run as role '" + configuredRole + "' (" + ENVIRONMENT
                            + "), but login " + rs.getString(1) + " is not a member of it (or it does not exist):"
                            + " GRANT " + configuredRole + " TO " + rs.getString(1) + ", or unset " + ENVIRONMENT,
                            "28000");
                }
                return new CheckPrivileges(configuredRole, rs.getString(1), rs.getBoolean(2));
            }
        }
    }

    /** A few words for the wizard's banner. */
    public String shortText() {
        return role != null ? "checks run as " + role : "checks run as " + login + (superuser ? " (superuser)" : "");
    }

    /** One line for the journal, the wizard and the report. */
    public String describe() {
        if (role != null) return "checks ran as role " + role + " (SET LOCAL ROLE) from login " + login;
        return "checks ran with the privileges of login " + login + (superuser ? " (SUPERUSER)" : "")
                + "; no narrower role was configured (" + ENVIRONMENT + ")";
    }
}
