package io.hearth.control.internal;

import io.hearth.control.ControlReply;
import io.hearth.api.ApiException;
import io.hearth.api.FieldError;
import io.hearth.api.Json;
import io.hearth.api.ValidationReason;
import io.hearth.store.Store;
import io.hearth.store.StoredReply;
import io.hearth.store.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes Create/Update/Delete safe to retry with the same {@code clientToken} (the SDKs fill one in when the caller
 * does not): the first answer is stored and replayed; the same token with a different request is refused.
 *
 * <p>Looking the token up, doing the work and storing the answer are one transaction, and the store runs one
 * transaction at a time: of concurrent retries with one token, exactly one does the work and the others replay
 * its answer. A write that fails stores nothing, so its retry tries again.
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
     * Runs {@code work} once per {@code (operation, token)}, inside the transaction that records the token; its
     * {@link Write#afterCommit()} runs once that transaction has committed, and never for a replay.
     *
     * @param operation the operation and its target, e.g. {@code "UpdateAgentRuntime abc-0123456789"}
     * @param request   what identifies the request besides the token (body without it, query)
     */
    ControlReply once(String operation, Optional<String> token, String request, Function<Transaction, Write> work) {
        String hash = sha256(operation + "\n" + request);
        Write write = store.transaction(tx -> {
            if (token.isPresent()) {
                tx.forgetRepliesBefore(clock.instant().minus(RETENTION));
                Optional<StoredReply> earlier = tx.reply(operation, token.get());
                if (earlier.isPresent()) {
                    return replay(operation, token.get(), hash, earlier.get());
                }
            }
            Write done = work.apply(tx);
            if (token.isPresent()) {
                tx.saveReply(operation, token.get(), new StoredReply(hash, Json.writeString(done.reply().body())),
                        clock.instant());
            }
            return done;
        });
        write.afterCommit().run();
        return write.reply();
    }

    private static Write replay(String operation, String token, String hash, StoredReply earlier) {
        if (!earlier.requestHash().equals(hash)) {
            throw new ApiException.Validation("clientToken " + token + " was already used for a different "
                    + operation.split(" ")[0] + " request (expected: a new token for a new request)",
                    ValidationReason.IdempotentParameterMismatchException,
                    List.of(new FieldError("clientToken", "reused with different parameters")));
        }
        return Write.of(ControlReply.accepted(Json.tree(earlier.response().getBytes(StandardCharsets.UTF_8))));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
