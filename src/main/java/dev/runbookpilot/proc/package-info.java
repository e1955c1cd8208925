/**
 * Child processes run against the connected target: the team's migration tool, pg_dump and pg_restore. Between
 * {@code db} (where the connection comes from) and {@code check} (which judges what a process did).
 */
package dev.runbookpilot.proc;
