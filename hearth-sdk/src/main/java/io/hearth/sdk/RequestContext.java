package io.hearth.sdk;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the runtime says about one invocation (or one {@code /ws} connection), read from its headers as the official
 * AgentCore SDKs read them.
 */
public final class RequestContext {
    private final String sessionId;
    private final String requestId;
    private final Map<String, String> headers;
    private final Optional<String> workloadAccessToken;
    private final Optional<String> oauth2CallbackUrl;
    private final BackgroundWork background;

    /** Runs work in the background while {@code /ping} says {@code HealthyBusy}. */
    @FunctionalInterface
    public interface BackgroundWork {
        void start(String name, Runnable task);
    }

    /**
     * @param headers the forwarded headers only: {@code Authorization}, {@code X-Amzn-Bedrock-AgentCore-Runtime-Custom-*}
     *     and the workload token's
     */
    public RequestContext(String sessionId, String requestId, Map<String, String> headers,
            Optional<String> workloadAccessToken, Optional<String> oauth2CallbackUrl, BackgroundWork background) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        var caseless = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        caseless.putAll(headers);
        this.headers = Collections.unmodifiableMap(caseless);
        this.workloadAccessToken = Objects.requireNonNull(workloadAccessToken, "workloadAccessToken");
        this.oauth2CallbackUrl = Objects.requireNonNull(oauth2CallbackUrl, "oauth2CallbackUrl");
        this.background = Objects.requireNonNull(background, "background");
    }

    /**
     * The session's id, from {@code X-Amzn-Bedrock-AgentCore-Runtime-Session-Id} (or a {@code sessionId} field of
     * the JSON body); an invocation without one is refused with 400 before the handler runs. Empty on a {@code /ws}
     * connection without one.
     */
    public String sessionId() {
        return sessionId;
    }

    /** {@code X-Amzn-Bedrock-AgentCore-Runtime-Request-Id}, or a random UUID when the caller sent none. */
    public String requestId() {
        return requestId;
    }

    /**
     * The headers an agent may see, looked up without regard to case: {@code Authorization} (a JWT runtime's bearer
     * token), every {@code X-Amzn-Bedrock-AgentCore-Runtime-Custom-*} header the runtime allows, and
     * {@code X-Amz-Bedrock-AgentCore-Identity-WAT}.
     */
    public Map<String, String> headers() {
        return headers;
    }

    /** One forwarded header, by a name in any case. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The workload access token ({@code X-Amz-Bedrock-AgentCore-Identity-WAT} or {@code WorkloadAccessToken}). */
    public Optional<String> workloadAccessToken() {
        return workloadAccessToken;
    }

    /** {@code OAuth2CallbackUrl}, when the caller sent one. */
    public Optional<String> oauth2CallbackUrl() {
        return oauth2CallbackUrl;
    }

    /**
     * Runs {@code task} on a virtual thread after the answer, if need be: {@code /ping} reports {@code HealthyBusy}
     * until it ends, so the runtime keeps the session (and its sandbox) alive meanwhile.
     */
    public void background(String name, Runnable task) {
        background.start(name, task);
    }

    /** {@link #background(String, Runnable)} for a task with no name of its own. */
    public void background(Runnable task) {
        background.start("background", task);
    }

    @Override
    public String toString() {
        return "RequestContext[sessionId=" + sessionId + ", requestId=" + requestId + ", headers=" + headers.keySet() + "]";
    }
}
