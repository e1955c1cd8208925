package dev.runbookpilot.report;

/**
 * Asks a person for the passphrase of a key file. The CLI asks on the terminal, the wizard in a dialog (off the
 * JavaFX thread's blocking path: the export runs in the background and the dialog answers it).
 */
@FunctionalInterface
public interface PassphrasePrompt {
    /**
     * @param what a description of the key, e.g. "the SSH key /home/ann/.ssh/id_ed25519"
     * @return the passphrase, or null when the person declined
     */
    char[] ask(String what);

    /** For keys that must not be encrypted: any request for a passphrase fails. */
    PassphrasePrompt NONE = what -> null;
}
