package io.hearth.sdk.internal;

import io.hearth.sdk.RequestContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/** Reads a {@link RequestContext} from the runtime's headers, with the names and rules of the official SDKs. */
public final class ContextReader {
    public static final String SESSION_ID = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
    public static final String REQUEST_ID = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id";
    public static final String CUSTOM_PREFIX = "x-amzn-bedrock-agentcore-runtime-custom-";
    public static final String IDENTITY_WAT = "X-Amz-Bedrock-AgentCore-Identity-WAT";
    public static final String WORKLOAD_ACCESS_TOKEN = "WorkloadAccessToken";
    public static final String OAUTH2_CALLBACK_URL = "OAuth2CallbackUrl";

    private final RequestContext.BackgroundWork background;

    public ContextReader(RequestContext.BackgroundWork background) {
        this.background = background;
    }

    /** @param sessionId the session id found (the header's, or the body's); empty when none */
    public RequestContext read(HttpFields fields, String sessionId) {
        var forwarded = new LinkedHashMap<String, String>();
        for (HttpField field : fields) {
            String lower = field.getLowerCaseName();
            if (lower.equals("authorization") || lower.startsWith(CUSTOM_PREFIX)
                    || lower.equals(IDENTITY_WAT.toLowerCase(Locale.ROOT))) {
                forwarded.merge(field.getName(), field.getValue(), (a, b) -> a + ", " + b);
            }
        }
        Optional<String> token = present(fields.get(IDENTITY_WAT)).or(() -> present(fields.get(WORKLOAD_ACCESS_TOKEN)));
        String requestId = present(fields.get(REQUEST_ID)).orElseGet(() -> UUID.randomUUID().toString());
        return new RequestContext(sessionId, requestId, forwarded, token, present(fields.get(OAUTH2_CALLBACK_URL)), background);
    }

    public static Optional<String> present(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
