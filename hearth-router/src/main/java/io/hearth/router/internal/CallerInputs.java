package io.hearth.router.internal;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.FieldError;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/** Reads and checks what a data-plane caller sent beyond the path: qualifier, account and session id. */
public record CallerInputs(String qualifier, Optional<String> accountId, String sessionId, boolean sessionIdGenerated) {
    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");
    public static final String DEFAULT_QUALIFIER = "DEFAULT";

    /**
     * @param sessionRequired whether a missing session id is an error (StopRuntimeSession) or gets a fresh one
     */
    public static CallerInputs read(Request request, boolean sessionRequired) {
        Fields query = Request.extractQueryParameters(request);
        String qualifier = Optional.ofNullable(query.getValue("qualifier")).orElse(DEFAULT_QUALIFIER);
        if (!qualifier.equals(DEFAULT_QUALIFIER) && !ENDPOINT_NAME.matcher(qualifier).matches()) {
            throw invalid("qualifier", "qualifier: " + qualifier + " (expected: an endpoint name, [a-zA-Z][a-zA-Z0-9_]{0,47})");
        }
        Optional<String> accountId = Optional.ofNullable(query.getValue("accountId"));
        String sessionId = request.getHeaders().get(AwsHeaders.SESSION_ID);
        boolean generated = false;
        if (sessionId == null || sessionId.isEmpty()) {
            if (sessionRequired) {
                throw invalid("runtimeSessionId", "runtimeSessionId: missing (expected: the header "
                        + AwsHeaders.SESSION_ID + " with " + ModeledHeader.SESSION_ID.expected() + ")");
            }
            sessionId = UUID.randomUUID().toString();
            generated = true;
        }
        ModeledHeader.SESSION_ID.check(sessionId);
        return new CallerInputs(qualifier, accountId, sessionId, generated);
    }

    static ApiException invalid(String field, String message) {
        return ApiException.validation(message, new FieldError(field, message));
    }
}
