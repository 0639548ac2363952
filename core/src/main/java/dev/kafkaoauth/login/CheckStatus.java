package dev.kafkaoauth.login;

/** The verdict of one step of a connection check, from best to worst but {@link #SKIPPED}. */
public enum CheckStatus {
    /** The step succeeded. */
    PASS,
    /** The step succeeded, but something is likely to cause trouble; see the remedy. */
    WARN,
    /** The step failed; the cause and remedy say why and what to do. */
    FAIL,
    /** The step did not run, because an earlier step failed or it was not asked for. */
    SKIPPED
}
