package io.hearth.router.websocket;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * An upgrade request seen the way the data plane reads a call: clients that cannot set headers (browsers, presigned
 * URLs) put the session id in the query parameter of the header's name, and a bearer token in a subprotocol. Here
 * both become the headers they stand for, so everything after reads one shape.
 */
final class UpgradeCaller extends Request.Wrapper {
    /** The subprotocol a browser client offers with its token, and the one the 101 then selects. */
    static final String BEARER_PROTOCOL = "base64UrlBearerAuthorization";
    private static final String BEARER_PREFIX = BEARER_PROTOCOL + ".";

    private final HttpFields headers;
    private final List<String> subprotocols;
    private final boolean bearerProtocol;

    private UpgradeCaller(Request request, HttpFields headers, List<String> subprotocols, boolean bearerProtocol) {
        super(request);
        this.headers = headers;
        this.subprotocols = subprotocols;
        this.bearerProtocol = bearerProtocol;
    }

    /** @param bearerInSubprotocol whether the route takes a token as a subprotocol */
    static UpgradeCaller of(Request request, boolean bearerInSubprotocol) {
        HttpFields original = request.getHeaders();
        HttpFields.Mutable headers = HttpFields.build(original);
        String sessionId = original.get(AwsHeaders.SESSION_ID);
        if (sessionId == null || sessionId.isEmpty()) {
            String fromQuery = Request.extractQueryParameters(request).getValue(AwsHeaders.SESSION_ID);
            if (fromQuery != null) {
                headers.put(AwsHeaders.SESSION_ID, fromQuery);
            }
        }
        List<String> offered = new ArrayList<>();
        Optional<String> token = Optional.empty();
        for (HttpField field : original.getFields(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL)) {
            for (String value : field.getValues()) {
                String protocol = value.strip();
                if (protocol.startsWith(BEARER_PREFIX)) {
                    token = Optional.of(protocol.substring(BEARER_PREFIX.length()));
                } else if (!protocol.isEmpty() && !protocol.equals(BEARER_PROTOCOL)) {
                    offered.add(protocol);
                }
            }
        }
        boolean bearer = false;
        if (token.isPresent() && bearerInSubprotocol) {
            if (original.contains(HttpHeader.AUTHORIZATION)) {
                throw invalid("Sec-WebSocket-Protocol: a bearer token beside an Authorization header (expected: one"
                        + " of the two)");
            }
            headers.put(HttpHeader.AUTHORIZATION, "Bearer " + decode(token.get()));
            bearer = true;
        }
        return new UpgradeCaller(request, headers.asImmutable(), List.copyOf(offered), bearer);
    }

    private static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid("Sec-WebSocket-Protocol: " + BEARER_PREFIX + "<token> does not hold base64url (expected: "
                    + BEARER_PREFIX + " followed by the token in unpadded base64url)");
        }
    }

    private static ApiException invalid(String message) {
        return ApiException.validation(message, new FieldError("Sec-WebSocket-Protocol", message));
    }

    @Override
    public HttpFields getHeaders() {
        return headers;
    }

    /** The subprotocols the caller offered, tokens left out: what the agent is offered. */
    List<String> subprotocols() {
        return subprotocols;
    }

    /** Whether the caller's token came as a subprotocol, so the 101 must select {@link #BEARER_PROTOCOL}. */
    boolean bearerProtocol() {
        return bearerProtocol;
    }
}
