package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;

/**
 * A request refused by a quota. Rates and queues answer {@link Throttled} (429, retry soon); counted limits answer
 * {@link Exceeded} (402, retry once something ends). The message names the limit, its value and the setting that
 * raises it.
 */
public abstract sealed class QuotaRefusal extends RuntimeException {
    private final QuotaKind kind;

    private QuotaRefusal(QuotaKind kind, String message) {
        super(requireNonNull(message, "message"), null, false, false);
        this.kind = requireNonNull(kind, "kind");
    }

    public final QuotaKind kind() {
        return kind;
    }

    /** The AWS error the caller gets. */
    public abstract ApiException toApi();

    /** 429 ThrottlingException: a rate or a queue; the same call succeeds shortly. */
    public static final class Throttled extends QuotaRefusal {
        public Throttled(QuotaKind kind, String message) {
            super(kind, message);
        }

        @Override
        public ApiException toApi() {
            return new ApiException.Throttling(getMessage());
        }
    }

    /** 402 ServiceQuotaExceededException: a counted limit; the call succeeds once something ends. */
    public static final class Exceeded extends QuotaRefusal {
        public Exceeded(QuotaKind kind, String message) {
            super(kind, message);
        }

        @Override
        public ApiException toApi() {
            return ApiException.quotaExceeded(getMessage());
        }
    }
}
