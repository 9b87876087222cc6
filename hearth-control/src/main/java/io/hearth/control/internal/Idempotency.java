package io.hearth.control.internal;

import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.api.Json;
import io.hearth.api.ValidationReason;
import io.hearth.store.Store;
import io.hearth.store.StoredReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes Create/Update/Delete safe to retry with the same {@code clientToken} (the SDKs fill one in when the caller
 * does not): the first answer is stored and replayed; the same token with a different request is refused.
 */
final class Idempotency {
    /** How long a token is remembered: far longer than any client's retry window. */
    private static final Duration RETENTION = Duration.ofHours(8);

    private final Store store;
    private final Clock clock;

    Idempotency(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Runs {@code work} once per {@code (operation, token)}.
     *
     * @param operation the operation and its target, e.g. {@code "UpdateAgentRuntime abc-0123456789"}
     * @param request   what identifies the request besides the token (body without it, query)
     */
    Reply once(String operation, Optional<String> token, String request, Supplier<Reply> work) {
        if (token.isEmpty()) {
            return work.get();
        }
        String hash = sha256(operation + "\n" + request);
        Optional<StoredReply> earlier = store.transaction(tx -> tx.reply(operation, token.get()));
        if (earlier.isPresent()) {
            if (!earlier.get().requestHash().equals(hash)) {
                throw new ApiException.Validation("clientToken " + token.get() + " was already used for a different "
                        + operation.split(" ")[0] + " request (expected: a new token for a new request)",
                        ValidationReason.IdempotentParameterMismatchException,
                        List.of(new FieldError("clientToken", "reused with different parameters")));
            }
            return Reply.accepted(Json.tree(earlier.get().response().getBytes(StandardCharsets.UTF_8)));
        }
        Reply reply = work.get();
        store.transaction(tx -> {
            tx.forgetRepliesBefore(clock.instant().minus(RETENTION));
            tx.saveReply(operation, token.get(), new StoredReply(hash, Json.writeString(reply.body())), clock.instant());
            return null;
        });
        return reply;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
