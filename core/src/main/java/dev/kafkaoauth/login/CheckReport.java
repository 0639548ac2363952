package dev.kafkaoauth.login;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a connection check: its steps in the order they ran. Nothing in it is
 * secret, so it may be shown, logged or stored as it is.
 *
 * @param steps every step, skipped ones included
 */
public record CheckReport(List<CheckStep> steps) {

    public CheckReport {
        steps = List.copyOf(steps);
    }

    /** The worst status of any step that ran: FAIL, else WARN, else PASS. */
    public CheckStatus verdict() {
        CheckStatus worst = CheckStatus.PASS;
        for (CheckStep s : steps) {
            if (s.status() == CheckStatus.FAIL) {
                return CheckStatus.FAIL;
            }
            if (s.status() == CheckStatus.WARN) {
                worst = CheckStatus.WARN;
            }
        }
        return worst;
    }

    /** Whether no step failed (warnings allowed). */
    public boolean passed() {
        return verdict() != CheckStatus.FAIL;
    }

    /** The step of that name, if it is in the report. */
    public Optional<CheckStep> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The first step that failed, if any. */
    public Optional<CheckStep> firstFailure() {
        return steps.stream().filter(s -> s.status() == CheckStatus.FAIL).findFirst();
    }

    /** A plain-text rendering, one block per step, for logs and command-line tools. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        for (CheckStep s : steps) {
            b.append(String.format("%-7s %-14s %s%n", s.status(), s.name(), s.summary()));
            for (Map.Entry<String, String> d : s.details().entrySet()) {
                b.append(String.format("        %-14s %s%n", d.getKey(), d.getValue()));
            }
            if (s.cause() != null) {
                b.append("        cause:  ").append(s.cause()).append(System.lineSeparator());
            }
            if (s.remedy() != null) {
                b.append("        remedy: ").append(s.remedy()).append(System.lineSeparator());
            }
        }
        b.append("verdict: ").append(verdict());
        return b.toString();
    }
}
