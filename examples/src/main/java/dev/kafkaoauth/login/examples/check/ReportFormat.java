package dev.kafkaoauth.login.examples.check;

import dev.kafkaoauth.login.CheckReport;
import dev.kafkaoauth.login.CheckStatus;
import dev.kafkaoauth.login.CheckStep;
import java.util.List;
import java.util.Map;

/** The check's report as text for people and as JSON for machines. Holds nothing secret. */
final class ReportFormat {

    private static final String NL = System.lineSeparator();
    private static final String INDENT = "               ";

    private ReportFormat() {
    }

    static String text(CheckReport report, String file, int exitCode, boolean strict) {
        StringBuilder b = new StringBuilder("kafka-oauth-login check of ").append(file)
                .append(NL).append(NL);
        List<CheckStep> steps = report.steps();
        for (int i = 0; i < steps.size(); i++) {
            CheckStep s = steps.get(i);
            b.append(String.format("%-6s %d %-13s %s%n", s.status(), i + 1, s.name(),
                    s.summary()));
            for (Map.Entry<String, String> d : s.details().entrySet()) {
                b.append(INDENT).append(String.format("%-16s ", d.getKey()))
                        .append(d.getValue()).append(NL);
            }
            if (s.cause() != null) {
                b.append(INDENT).append("cause:  ").append(s.cause()).append(NL);
            }
            if (s.remedy() != null) {
                b.append(INDENT).append("remedy: ").append(s.remedy()).append(NL);
            }
        }
        CheckStatus verdict = report.verdict();
        b.append(NL).append("verdict: ").append(verdict).append(" (exit ").append(exitCode);
        if (verdict == CheckStatus.WARN && !strict) {
            b.append("; --strict makes warnings exit 1");
        }
        return b.append(')').append(NL).toString();
    }

    static String json(CheckReport report, String file, int exitCode) {
        StringBuilder b = new StringBuilder("{\"file\":").append(quote(file))
                .append(",\"verdict\":").append(quote(report.verdict().name()))
                .append(",\"exitCode\":").append(exitCode).append(",\"steps\":[");
        List<CheckStep> steps = report.steps();
        for (int i = 0; i < steps.size(); i++) {
            CheckStep s = steps.get(i);
            b.append(i == 0 ? "" : ",").append("{\"name\":").append(quote(s.name()))
                    .append(",\"status\":").append(quote(s.status().name()))
                    .append(",\"summary\":").append(quote(s.summary()))
                    .append(",\"cause\":").append(quote(s.cause()))
                    .append(",\"remedy\":").append(quote(s.remedy()))
                    .append(",\"details\":{");
            boolean first = true;
            for (Map.Entry<String, String> d : s.details().entrySet()) {
                b.append(first ? "" : ",").append(quote(d.getKey())).append(':')
                        .append(quote(d.getValue()));
                first = false;
            }
            b.append("}}");
        }
        return b.append("]}").append(NL).toString();
    }

    /** A JSON string (RFC 8259 section 7), or null. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }
}
