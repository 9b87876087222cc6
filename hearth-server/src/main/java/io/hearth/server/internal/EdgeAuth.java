package io.hearth.server.internal;

import io.hearth.api.ApiException;
import io.hearth.api.ErrorType;
import io.hearth.api.FieldError;
import io.hearth.auth.AuthException;
import io.hearth.auth.Principal;
import io.hearth.auth.SigV4Verifier;
import io.hearth.auth.SignedRequest;
import io.hearth.auth.Verification;
import io.hearth.router.CommandHandler;
import io.hearth.router.DataPlaneHandler;
import io.hearth.router.websocket.RuntimeSocketHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Who a request comes from, decided before any handler sees it (docs/authentication.md). With SigV4 on, a request
 * either carries a valid signature, and its {@link Principal} goes into {@link Principal#REQUEST_ATTRIBUTE}, or it is
 * refused; the one exception is a bearer token on a data-plane path, left for the runtime's JWT authorizer (the data
 * plane refuses a request without a principal). With authentication off, every request acts for the server's account.
 */
public final class EdgeAuth {
    /** A body signed without {@code x-amz-content-sha256} is read whole before its signature is known; at most this. */
    static final int MAX_DEFERRED_DATA_PLANE_BYTES = 1 << 20;
    static final int MAX_DEFERRED_API_BYTES = 16 << 20;
    /** Where the public keys of Hearth's workload access tokens are published. */
    public static final String JWKS_PATH = "/hearth/v1/.well-known/jwks.json";

    /** Exactly one is present: the verifier with SigV4 on, the principal every request gets with it off. */
    private final Optional<SigV4Verifier> verifier;
    private final Optional<Principal> anonymous;
    /** Where a deferred data-plane body over {@link #MAX_DEFERRED_DATA_PLANE_BYTES} waits, up to the payload limit. */
    private final Optional<Spool> spool;
    private final long maxPayloadBytes;

    private EdgeAuth(Optional<SigV4Verifier> verifier, Optional<Principal> anonymous, Optional<Spool> spool,
            long maxPayloadBytes) {
        this.verifier = verifier;
        this.anonymous = anonymous;
        this.spool = spool;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Without a spool: a deferred data-plane body over the in-memory bound is refused. */
    public static EdgeAuth sigV4(SigV4Verifier verifier) {
        return new EdgeAuth(Optional.of(verifier), Optional.empty(), Optional.empty(), MAX_DEFERRED_DATA_PLANE_BYTES);
    }

    /** A deferred data-plane body over the in-memory bound waits in {@code spool}, up to {@code maxPayloadBytes}. */
    public static EdgeAuth sigV4(SigV4Verifier verifier, Spool spool, long maxPayloadBytes) {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected: positive)");
        }
        return new EdgeAuth(Optional.of(verifier), Optional.empty(), Optional.of(spool), maxPayloadBytes);
    }

    /** Authentication off: every request acts for {@code tenant}. */
    public static EdgeAuth none(String tenant) {
        return new EdgeAuth(Optional.empty(),
                Optional.of(new Principal(tenant, Principal.Kind.ANONYMOUS, "anonymous", Optional.empty())),
                Optional.empty(), MAX_DEFERRED_DATA_PLANE_BYTES);
    }

    /** What to do with a request. */
    sealed interface Outcome {
        /** Hand {@code request} (its body checked as it is read) on. */
        record Proceed(Request request) implements Outcome {}

        /**
         * Read the body whole and check the signature before anything acts on it: up to {@code maxBytes} in memory,
         * past that in {@code spool} (when there is one) up to {@code maxSpooledBytes}.
         */
        record ReadFirst(Verification verification, int maxBytes, Optional<Spool> spool, long maxSpooledBytes)
                implements Outcome {}
    }

    /** @throws ApiException the refusal, in the AWS shape */
    Outcome admit(Request request) {
        if (anonymous.isPresent()) {
            request.setAttribute(Principal.REQUEST_ATTRIBUTE, anonymous.get());
            return new Outcome.Proceed(request);
        }
        if (request.getMethod().equals("GET") && "/hearth/v1/health".equals(request.getHttpURI().getPath())) {
            // Liveness probes (service managers, load balancers) carry no credentials; the answer reveals nothing.
            return new Outcome.Proceed(request);
        }
        if (ConsoleHandler.serves(request)) {
            // The console's static files hold no secret; the page signs every API call it makes (docs/console.md).
            return new Outcome.Proceed(request);
        }
        if (isOpenDocument(request)) {
            // Public by nature: Hearth's token-verification keys, and where a JWT runtime's callers get a token.
            return new Outcome.Proceed(request);
        }
        boolean dataPlane = isDataPlane(request);
        if (dataPlane && isBearer(request)) {
            return new Outcome.Proceed(request);
        }
        Verification verification;
        try {
            verification = verifier.orElseThrow().verify(signedRequest(request));
        } catch (AuthException.MissingToken e) {
            if (DataPlaneHandler.serves(request) || RuntimeSocketHandler.serves(request) || CommandHandler.serves(request)) {
                // No credentials at all: the runtime decides (a JWT runtime answers 401 with its challenge).
                return new Outcome.Proceed(request);
            }
            throw e.toApiException();
        } catch (AuthException e) {
            throw e.toApiException();
        }
        if (verification.signatureDeferred()) {
            int max = dataPlane ? MAX_DEFERRED_DATA_PLANE_BYTES : MAX_DEFERRED_API_BYTES;
            Optional<Spool> spooling = dataPlane ? spool : Optional.empty();
            if (spooling.isPresent() && request.getLength() > maxPayloadBytes) {
                throw payloadTooLarge(request.getLength());
            }
            if (spooling.isEmpty() && request.getLength() > max) {
                throw tooLargeToDefer(max);
            }
            return new Outcome.ReadFirst(verification, max, spooling, maxPayloadBytes);
        }
        request.setAttribute(Principal.REQUEST_ATTRIBUTE, verification.principal());
        return new Outcome.Proceed(verification.payload().needsBody() ? new CheckedBody(request, verification.payload()) : request);
    }

    /**
     * Blocks: reads the body whole, hashing it as it arrives, checks the signature over it, and serves it to what comes
     * next from memory, or from its spool file when it outgrew the in-memory bound.
     */
    Request readFirst(Request request, Outcome.ReadFirst deferred) {
        // A small declared body gets buffers of its size, not 64 KiB of garbage per call. Never more than 64 KiB up
        // front: the caller is not authenticated yet, and a declared length costs it nothing to send.
        long declared = request.getLength();
        int upFront = declared < 0 ? 64 << 10 : (int) Math.clamp(declared, 1, 64 << 10);
        var memory = new ByteArrayOutputStream(declared < 0 ? 8 << 10 : upFront);
        Spool.File spooled = null;
        long total = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] buffer = new byte[upFront];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (spooled == null && memory.size() + n > deferred.maxBytes()) {
                    if (deferred.spool().isEmpty()) {
                        throw tooLargeToDefer(deferred.maxBytes());
                    }
                    spooled = deferred.spool().get().create();
                    byte[] held = memory.toByteArray();
                    memory = null;
                    spooled.write(held, 0, held.length);
                }
                if (spooled != null && total > deferred.maxSpooledBytes()) {
                    throw payloadTooLarge(total);
                }
                deferred.verification().payload().update(buffer, 0, n);
                if (spooled == null) {
                    memory.write(buffer, 0, n);
                } else {
                    spooled.write(buffer, 0, n);
                }
            }
            deferred.verification().payload().finish();
        } catch (IOException e) {
            closeQuietly(spooled);
            throw ApiException.cannotParse("payload: the request body could not be read (" + e.getMessage() + ")");
        } catch (AuthException e) {
            closeQuietly(spooled);
            throw e.toApiException();
        } catch (RuntimeException e) {
            closeQuietly(spooled);
            throw e;
        }
        request.setAttribute(Principal.REQUEST_ATTRIBUTE, deferred.verification().principal());
        return spooled == null ? new BufferedBody(request, memory.toByteArray()) : new SpooledBody(request, spooled);
    }

    private static void closeQuietly(Spool.File file) {
        if (file != null) {
            file.close();
        }
    }

    private ApiException payloadTooLarge(long length) {
        String message = "payload: " + length + " bytes (expected: at most " + maxPayloadBytes + " bytes)";
        return ApiException.validation(message, new FieldError("payload", message));
    }

    private static ApiException tooLargeToDefer(int max) {
        return new ApiException.NotAuthenticated(ErrorType.INVALID_SIGNATURE, "The request body is over " + max
                + " bytes and its hash is not in x-amz-content-sha256, so its signature could only be checked after"
                + " the whole body (expected: send x-amz-content-sha256 with the body's SHA-256, or UNSIGNED-PAYLOAD)");
    }

    /** The paths a runtime's callers use: the ones a JWT authorizer may guard. */
    static boolean isDataPlane(Request request) {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith("/runtimes/")) {
            return false;
        }
        String operation = thirdSegment(path);
        return operation != null && DATA_PLANE_OPERATIONS.contains(operation);
    }

    private static final Set<String> DATA_PLANE_OPERATIONS = Set.of("invocations", "stopruntimesession", "ws", "commands");

    /** The third segment of an absolute path ({@code /a/b/c...}), or null when it has fewer; as split would find it. */
    private static String thirdSegment(String path) {
        int first = path.indexOf('/', 1);
        int second = first < 0 ? -1 : path.indexOf('/', first + 1);
        if (second < 0) {
            return null;
        }
        int third = path.indexOf('/', second + 1);
        return path.substring(second + 1, third < 0 ? path.length() : third);
    }

    /** {@code GET} of the JWKS of workload tokens, or of a runtime's protected-resource metadata. */
    static boolean isOpenDocument(Request request) {
        if (!request.getMethod().equals("GET")) {
            return false;
        }
        String path = request.getHttpURI().getPath();
        if (JWKS_PATH.equals(path)) {
            return true;
        }
        if (path == null || !path.startsWith("/runtimes/")) {
            return false;
        }
        String[] segments = path.substring(1).split("/", -1);
        return segments.length == 5 && segments[2].equals("invocations") && segments[3].equals(".well-known")
                && segments[4].equals("oauth-protected-resource");
    }

    private static boolean isBearer(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    static SignedRequest signedRequest(Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getLowerCaseName(), n -> new ArrayList<>(1)).add(field.getValue());
        }
        boolean body = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) || request.getLength() > 0;
        String query = request.getHttpURI().getQuery();
        String path = request.getHttpURI().getPath();
        return new SignedRequest(request.getMethod(), path == null || path.isEmpty() ? "/" : path,
                query == null ? "" : query, headers, body ? SignedRequest.Body.STREAMED : SignedRequest.Body.NONE);
    }
}
