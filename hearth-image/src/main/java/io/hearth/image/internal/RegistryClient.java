package io.hearth.image.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.hearth.api.Json;
import io.hearth.image.ImageException;
import io.hearth.image.ImageException.Reason;
import io.hearth.image.ImageReference;
import io.hearth.image.RegistryCredentials;
import io.hearth.image.RegistrySettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The OCI Distribution API, read side: manifests and blobs, with anonymous, Basic and Bearer-token access.
 * Redirects (blob stores, CDNs) are followed by hand so credentials never leave the registry's host.
 */
public final class RegistryClient implements AutoCloseable {
    static final String MANIFEST_TYPES = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_LIST, MediaTypes.DOCKER_MANIFEST);
    private static final int MAX_REDIRECTS = 5;

    private final RegistrySettings settings;
    private final HttpClient http;
    /** registry + repository → the Authorization value that worked last. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    public RegistryClient(RegistrySettings settings) {
        this.settings = requireNonNull(settings, "settings");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A manifest or index document, at most {@code maxBytes}. */
    public record Document(String contentType, byte[] body) {}

    public Document manifest(ImageReference image, String reference, long maxBytes) {
        HttpResponse<InputStream> response = get(image, "/manifests/" + reference, MANIFEST_TYPES,
                "manifest unknown: " + image.registry() + "/" + image.repository() + describe(reference));
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ImageException(Reason.TOO_LARGE, "manifest " + image + ": over " + maxBytes
                        + " bytes (expected: at most " + maxBytes + ")");
            }
            return new Document(response.headers().firstValue("Content-Type").orElse(""), bytes);
        } catch (IOException e) {
            throw unavailable(image, "reading manifest " + reference, e);
        }
    }

    /** The blob's bytes as the registry sends them; the caller verifies size and digest. */
    public InputStream blob(ImageReference image, String digest) {
        return get(image, "/blobs/" + digest, "*/*", "blob unknown: " + digest + " in " + image.registry() + "/"
                + image.repository()).body();
    }

    /** Docker Hub's name in references is not where its API answers. */
    private static String apiHost(String registry) {
        return registry.equals("docker.io") || registry.equals("index.docker.io") ? "registry-1.docker.io" : registry;
    }

    private static String describe(String reference) {
        return reference.startsWith("sha256:") ? "@" + reference : ":" + reference;
    }

    private HttpResponse<InputStream> get(ImageReference image, String path, String accept, String notFound) {
        String registry = image.registry();
        String key = registry + "/" + image.repository();
        URI uri = URI.create((settings.isInsecure(registry) ? "http://" : "https://") + apiHost(registry) + "/v2/"
                + image.repository() + path);
        String authorization = authorizations.get(key);
        if (authorization == null && settings.credentialsFor(registry).orElse(null)
                instanceof RegistryCredentials.Bearer(String token)) {
            authorization = "Bearer " + token;
        }
        HttpResponse<InputStream> response = send(uri, accept, authorization);
        if (response.statusCode() == 401) {
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            discard(response);
            String attempted = authorization;
            authorization = authorize(image, Challenge.parse(challenge));
            if (authorization.equals(attempted)) {
                throw refused(image, attempted);
            }
            response = send(uri, accept, authorization);
            if (response.statusCode() == 401) {
                discard(response);
                throw refused(image, authorization);
            }
            authorizations.put(key, authorization);
        }
        int status = response.statusCode();
        if (status == 200) {
            return response;
        }
        String detail = errorDetail(response);
        throw switch (status) {
            case 404 -> new ImageException(Reason.NOT_FOUND, notFound + detail);
            case 403 -> new ImageException(Reason.DENIED, "registry " + registry + " denied pulling "
                    + image.repository() + " (403" + detail + "; expected: credentials allowed to pull it)");
            default -> new ImageException(Reason.UNAVAILABLE, "registry " + registry + " answered " + status
                    + " for GET " + uri.getPath() + detail + " (expected: 200)");
        };
    }

    private ImageException refused(ImageReference image, String authorization) {
        String registry = image.registry();
        if (settings.credentialsFor(registry).isEmpty()) {
            return new ImageException(Reason.UNAUTHORIZED, "registry " + registry + " needs credentials to pull "
                    + image.repository() + " (401 unauthorized; expected: credentials configured for " + registry
                    + ")");
        }
        return new ImageException(Reason.UNAUTHORIZED, "registry " + registry + " refused the credentials for "
                + registry + " to pull " + image.repository() + " (401 unauthorized" + (authorization == null ? ""
                : ", " + authorization.substring(0, authorization.indexOf(' '))) + "; expected: valid credentials)");
    }

    /** What to send after a 401: Basic credentials, or a token from the challenge's realm. */
    private String authorize(ImageReference image, Challenge challenge) {
        Optional<RegistryCredentials> credentials = settings.credentialsFor(image.registry());
        switch (challenge.scheme()) {
            case "basic" -> {
                if (credentials.orElse(null) instanceof RegistryCredentials.Basic basic) {
                    return basicHeader(basic);
                }
                throw refused(image, null);
            }
            case "bearer" -> {
                if (credentials.orElse(null) instanceof RegistryCredentials.Bearer(String token)
                        && challenge.parameter("realm").isEmpty()) {
                    return "Bearer " + token;
                }
                return "Bearer " + token(image, challenge, credentials);
            }
            default -> throw new ImageException(Reason.UNSUPPORTED, "registry " + image.registry()
                    + ": authentication scheme " + challenge.scheme() + " (expected: Basic or Bearer)");
        }
    }

    private String token(ImageReference image, Challenge challenge, Optional<RegistryCredentials> credentials) {
        String realm = challenge.parameter("realm").orElseThrow(() -> new ImageException(Reason.UNAVAILABLE,
                "registry " + image.registry() + ": Bearer challenge without a realm (expected: realm=\"<url>\")"));
        var query = new StringBuilder();
        challenge.parameter("service").ifPresent(s -> query.append("service=").append(encode(s)));
        String scope = challenge.parameter("scope").orElse("repository:" + image.repository() + ":pull");
        query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
        URI uri;
        try {
            uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        } catch (IllegalArgumentException e) {
            throw new ImageException(Reason.UNAVAILABLE, "registry " + image.registry() + ": token realm " + realm
                    + " (expected: an http(s) URL)", e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new ImageException(Reason.UNAVAILABLE, "registry " + image.registry() + ": token realm " + realm
                    + " (expected: an http(s) URL)");
        }
        String authorization = credentials.orElse(null) instanceof RegistryCredentials.Basic basic
                ? basicHeader(basic) : null;
        HttpResponse<InputStream> response = send(uri, "application/json", authorization);
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            discard(response);
            throw refused(image, authorization);
        }
        if (status != 200) {
            String detail = errorDetail(response);
            throw new ImageException(Reason.UNAVAILABLE, "token service " + uri.getHost() + " answered " + status
                    + detail + " (expected: 200 with a token)");
        }
        try (InputStream body = response.body()) {
            JsonNode json = Json.mapper().readTree(body.readNBytes(1 << 20));
            String token = json.path("token").asString("");
            if (token.isEmpty()) {
                token = json.path("access_token").asString("");
            }
            if (token.isEmpty()) {
                throw new ImageException(Reason.UNAVAILABLE, "token service " + uri.getHost()
                        + ": answer without token (expected: {\"token\": ...})");
            }
            return token;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageException ie) {
                throw ie;
            }
            throw new ImageException(Reason.UNAVAILABLE, "token service " + uri.getHost() + ": unreadable answer ("
                    + e.getMessage() + "; expected: JSON with a token)", e);
        }
    }

    private HttpResponse<InputStream> send(URI uri, String accept, String authorization) {
        URI target = uri;
        String registryHost = uri.getAuthority();
        for (int hop = 0; ; hop++) {
            var request = HttpRequest.newBuilder(target).GET().timeout(settings.requestTimeout())
                    .header("Accept", accept).header("User-Agent", "hearth");
            if (authorization != null && target.getAuthority().equals(registryHost)) {
                request.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                throw new ImageException(Reason.UNAVAILABLE, "registry " + target.getAuthority() + ": no answer to GET "
                        + target.getPath() + " within " + settings.requestTimeout()
                        + " (expected: an answer within the request timeout)", e);
            } catch (ConnectException e) {
                throw new ImageException(Reason.UNAVAILABLE, "registry " + target.getAuthority()
                        + ": cannot connect (" + e + "; expected: a registry listening there)", e);
            } catch (IOException e) {
                throw new ImageException(Reason.UNAVAILABLE, "registry " + target.getAuthority() + ": GET "
                        + target.getPath() + " failed (" + e.getMessage() + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException(Reason.UNAVAILABLE, "registry " + target.getAuthority()
                        + ": interrupted during GET " + target.getPath(), e);
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && location.isPresent()) {
                discard(response);
                if (hop >= MAX_REDIRECTS) {
                    throw new ImageException(Reason.UNAVAILABLE, "registry " + registryHost + ": more than "
                            + MAX_REDIRECTS + " redirects for " + uri.getPath() + " (expected: at most "
                            + MAX_REDIRECTS + ")");
                }
                target = target.resolve(location.get());
                continue;
            }
            return response;
        }
    }

    private static String errorDetail(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(4096);
            JsonNode errors = Json.mapper().readTree(bytes).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                JsonNode first = errors.get(0);
                return ": " + first.path("code").asString("") + " " + first.path("message").asString("");
            }
            return "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void discard(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            body.readNBytes(64 * 1024);
        } catch (IOException ignored) {
            // The connection is dropped instead of reused; nothing else depends on it.
        }
    }

    private static String basicHeader(RegistryCredentials.Basic basic) {
        return "Basic " + Base64.getEncoder().encodeToString((basic.username() + ":" + basic.password())
                .getBytes(UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, UTF_8);
    }

    private static ImageException unavailable(ImageReference image, String what, IOException e) {
        return new ImageException(Reason.UNAVAILABLE, "registry " + image.registry() + ": " + what + " failed ("
                + e.getMessage() + ")", e);
    }

    @Override
    public void close() {
        http.close();
    }
}
