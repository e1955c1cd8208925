package dev.runbookpilot.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the standard tools an auditor would use (poppler's pdfsig, OpenSSH's ssh-keygen). A missing tool fails the
 * test: CI installs them, and a signature test that skips proves nothing.
 */
final class Tools {
    record Result(int exit, String output) {}

    private Tools() {}

    static Result run(List<String> command, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) pb.redirectInput(stdin.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return fail(command.get(0) + " is not installed (" + e.getMessage() + "); install it with "
                    + "'apt-get install -y poppler-utils openssh-client'");
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return fail(command + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** pdfsig exits 0 even for a broken signature, so its verdict is read from what it prints. */
    static boolean pdfsigAccepts(Path pdf) throws IOException, InterruptedException {
        Result r = run(List.of("pdfsig", pdf.toString()), null);
        return r.output().contains("Signature is Valid") && r.output().contains("Total document signed");
    }

    static Result pdfsig(Path pdf) throws IOException, InterruptedException {
        return run(List.of("pdfsig", pdf.toString()), null);
    }

    static Result sshVerify(Path allowedSigners, String principal, Path sig, Path message)
            throws IOException, InterruptedException {
        return run(List.of("ssh-keygen", "-Y", "verify", "-f", allowedSigners.toString(), "-I", principal, "-n",
                "file", "-s", sig.toString()), message);
    }
}
