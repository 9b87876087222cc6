package io.hearth.router.tracing;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where invocation traces go (docs/tracing.md).
 *
 * @param otlpTracesUrl    the OTLP/HTTP traces URL spans are posted to; empty: nothing is exported
 * @param protocol         how they are encoded: protobuf (OTLP's default) or JSON
 * @param serviceName      the {@code service.name} of the exported resource
 * @param tracesPerSession how many of a session's most recent traces are kept in memory for its trace view
 * @param maxTraces        how many traces are kept in memory in all, every session's together
 */
public record TracingSettings(Optional<URI> otlpTracesUrl, Protocol protocol, String serviceName, int tracesPerSession,
        int maxTraces) {
    public static final TracingSettings DEFAULT = new TracingSettings(Optional.empty(), Protocol.HTTP_PROTOBUF, "hearth", 20,
            10_000);

    /** OTLP/HTTP's two encodings, by their {@code OTEL_EXPORTER_OTLP_PROTOCOL} names. */
    public enum Protocol {
        HTTP_PROTOBUF("http/protobuf", "application/x-protobuf"),
        HTTP_JSON("http/json", "application/json");

        private final String otelName;
        private final String contentType;

        Protocol(String otelName, String contentType) {
            this.otelName = otelName;
            this.contentType = contentType;
        }

        public String otelName() {
            return otelName;
        }

        public String contentType() {
            return contentType;
        }

        /** @throws IllegalArgumentException for gRPC or anything else */
        public static Protocol named(String name) {
            for (Protocol protocol : values()) {
                if (protocol.otelName.equals(name.trim())) {
                    return protocol;
                }
            }
            throw new IllegalArgumentException("OTLP protocol: " + name + " (expected: http/protobuf or http/json)");
        }
    }

    public TracingSettings {
        requireNonNull(otlpTracesUrl, "otlpTracesUrl");
        requireNonNull(protocol, "protocol");
        requireNonNull(serviceName, "serviceName");
        otlpTracesUrl.ifPresent(TracingSettings::checkHttp);
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("serviceName: '" + serviceName + "' (expected: a name)");
        }
        if (tracesPerSession < 1 || tracesPerSession > 1_000) {
            throw new IllegalArgumentException("tracesPerSession: " + tracesPerSession + " (expected: 1 to 1000)");
        }
        if (maxTraces < tracesPerSession || maxTraces > 1_000_000) {
            throw new IllegalArgumentException("maxTraces: " + maxTraces + " (expected: " + tracesPerSession
                    + " to 1000000, at least tracesPerSession)");
        }
    }

    /**
     * The collector's base URL, as {@code --otlp-endpoint} and {@code OTEL_EXPORTER_OTLP_ENDPOINT} give it
     * ({@code http://collector:4318}): traces go to its {@code /v1/traces}.
     */
    public TracingSettings withOtlpEndpoint(URI base) {
        String text = base.toString();
        return withOtlpTracesUrl(URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/v1/traces"));
    }

    public TracingSettings withOtlpTracesUrl(URI url) {
        return new TracingSettings(Optional.of(url), protocol, serviceName, tracesPerSession, maxTraces);
    }

    public TracingSettings withProtocol(Protocol newProtocol) {
        return new TracingSettings(otlpTracesUrl, newProtocol, serviceName, tracesPerSession, maxTraces);
    }

    public TracingSettings withRetention(int newTracesPerSession, int newMaxTraces) {
        return new TracingSettings(otlpTracesUrl, protocol, serviceName, newTracesPerSession, newMaxTraces);
    }

    /**
     * The standard OpenTelemetry variables: {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL) or else
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a base URL), {@code OTEL_EXPORTER_OTLP_TRACES_PROTOCOL} or else
     * {@code OTEL_EXPORTER_OTLP_PROTOCOL}, and {@code OTEL_SERVICE_NAME}.
     *
     * @throws IllegalArgumentException naming the variable, its value and what was expected
     */
    public static TracingSettings fromEnvironment(Map<String, String> environment) {
        TracingSettings settings = DEFAULT;
        String service = environment.get("OTEL_SERVICE_NAME");
        if (service != null && !service.isBlank()) {
            settings = new TracingSettings(settings.otlpTracesUrl, settings.protocol, service.trim(), settings.tracesPerSession,
                    settings.maxTraces);
        }
        for (String name : new String[] {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"}) {
            String protocol = environment.get(name);
            if (protocol != null && !protocol.isBlank()) {
                try {
                    settings = settings.withProtocol(Protocol.named(protocol));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + ": " + protocol + " (expected: http/protobuf or http/json)", e);
                }
                break;
            }
        }
        String traces = environment.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (traces != null && !traces.isBlank()) {
            return settings.withOtlpTracesUrl(url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces));
        }
        String base = environment.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (base != null && !base.isBlank()) {
            return settings.withOtlpEndpoint(url("OTEL_EXPORTER_OTLP_ENDPOINT", base));
        }
        return settings;
    }

    private static URI url(String name, String value) {
        try {
            URI url = URI.create(value.trim());
            checkHttp(url);
            return url;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: an http or https URL)", e);
        }
    }

    private static void checkHttp(URI url) {
        if (!url.isAbsolute() || url.getHost() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new IllegalArgumentException("otlpTracesUrl: " + url + " (expected: an http or https URL with a host)");
        }
    }
}
