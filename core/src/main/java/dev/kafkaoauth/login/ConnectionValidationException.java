package dev.kafkaoauth.login;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * The fields of an {@link OAuthConnection} are missing or malformed. {@link #problems()} lists
 * each problem with the field it belongs to; the message joins them. No secret is included.
 */
public class ConnectionValidationException extends ConfigException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldProblem> problems;

    /**
     * Creates the exception.
     *
     * @param problems one or more problems, each with its field
     */
    public ConnectionValidationException(List<FieldProblem> problems) {
        super(problems.stream().map(FieldProblem::toString)
                .collect(Collectors.joining("; ", "Invalid OAuth connection: ", "")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, each with the field it belongs to. */
    public List<FieldProblem> problems() {
        return problems;
    }
}
