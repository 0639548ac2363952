package dev.kafkaoauth.login;

import java.util.Objects;

/**
 * A problem with one field of an {@link OAuthConnection}, for a form to show next to that
 * field. The message names what is expected and never contains a secret.
 *
 * @param field the field's name, such as {@code clientId} or {@code param_audience} (the
 *     builder's field names, see {@link OAuthConnection}); {@value #GENERAL} when the problem
 *     belongs to no single field
 * @param message what is wrong and what is expected
 */
public record FieldProblem(String field, String message) {

    /** The field name of a problem that belongs to no single field. */
    public static final String GENERAL = "connection";

    public FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
