package dev.kafkaoauth.login;

import java.time.Duration;
import java.util.Objects;

/**
 * What a connection check does beyond the token request.
 *
 * @param brokerLogin whether an admin client logs in to {@code bootstrap.servers} and
 *     describes the cluster
 * @param brokerTimeout the longest wait for the brokers' answer
 */
public record CheckOptions(boolean brokerLogin, Duration brokerTimeout) {

    /** The default wait for the brokers. */
    public static final Duration DEFAULT_BROKER_TIMEOUT = Duration.ofSeconds(15);

    public CheckOptions {
        Objects.requireNonNull(brokerTimeout, "brokerTimeout");
        if (brokerTimeout.isNegative() || brokerTimeout.isZero()) {
            throw new IllegalArgumentException("brokerTimeout must be positive: "
                    + brokerTimeout);
        }
    }

    /** Configuration, token request and token only: no broker is contacted. */
    public static CheckOptions tokenOnly() {
        return new CheckOptions(false, DEFAULT_BROKER_TIMEOUT);
    }

    /** Also log in to the brokers, waiting at most {@code timeout} for their answer. */
    public static CheckOptions withBrokerLogin(Duration timeout) {
        return new CheckOptions(true, timeout);
    }
}
