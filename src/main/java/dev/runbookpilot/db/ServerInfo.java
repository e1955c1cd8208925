package dev.runbookpilot.db;

/**
 * Who and what we are connected to, as recorded in the journal and the report. Never holds a password.
 *
 * @param systemIdentifier the cluster's pg_control system identifier when readable (superuser or pg_monitor)
 * @param checkPrivileges  with which privileges a runbook's own check SQL ran (null in journals from before it was
 *                         recorded)
 */
public record ServerInfo(String host, int port, String database, String user, String serverVersion,
                         int serverVersionNum, String systemIdentifier, boolean superuser, String checkPrivileges) {}
