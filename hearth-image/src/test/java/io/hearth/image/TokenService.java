package io.hearth.image;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpServer;
import io.hearth.api.Json;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A registry token service as Docker Hub runs one: checks Basic credentials and answers a JWT the registry
 * verifies against the certificate it was configured with ({@code auth.token.rootcertbundle}).
 */
final class TokenService implements AutoCloseable {
    static final String SERVICE = "hearth-test-registry";
    static final String ISSUER = "hearth-test-issuer";

    private final HttpServer server;
    private final PrivateKey key;
    private final Certificate certificate;
    private final Path bundle;
    private final String user;

    private TokenService(HttpServer server, PrivateKey key, Certificate certificate, Path bundle, String user) {
        this.server = server;
        this.key = key;
        this.certificate = certificate;
        this.bundle = bundle;
        this.user = user;
    }

    /** @param user {@code user:password} that gets tokens; anyone else gets a token without access */
    static TokenService start(Path directory, String user) throws Exception {
        Files.createDirectories(directory);
        Path keystore = directory.resolve("token.p12");
        Path bundle = directory.resolve("token.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                "CN=hearth-test-token", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "token", "-keystore", keystore.toString(), "-storepass",
                "changeit", "-file", bundle.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        var key = (PrivateKey) store.getKey("token", "changeit".toCharArray());
        Certificate certificate = store.getCertificate("token");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        var service = new TokenService(server, key, certificate, bundle, user);
        server.createContext("/token", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            boolean known = ("Basic " + Base64.getEncoder().encodeToString(user.getBytes(UTF_8)))
                    .equals(authorization);
            if (authorization != null && !known) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                String[] parts = pair.split("=", 2);
                if (known && parts[0].equals("scope") && parts.length == 2) {
                    String[] scope = URLDecoder.decode(parts[1], UTF_8).split(":");
                    access.add(Map.of("type", scope[0], "name", scope[1], "actions",
                            List.of(scope[2].split(","))));
                }
            }
            byte[] body = Json.write(Map.of("token", service.token(access)));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return service;
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    Path bundle() {
        return bundle;
    }

    /** A token with pull and push on {@code repository}, for the test's own pushes. */
    String pushToken(String repository) throws Exception {
        return token(List.of(Map.of("type", "repository", "name", repository, "actions", List.of("pull", "push"))));
    }

    private String token(List<Map<String, Object>> access) {
        try {
            var header = new LinkedHashMap<String, Object>();
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.put("x5c", List.of(Base64.getEncoder().encodeToString(certificate.getEncoded())));
            long now = Instant.now().getEpochSecond();
            var claims = new LinkedHashMap<String, Object>();
            claims.put("iss", ISSUER);
            claims.put("sub", user.split(":")[0]);
            claims.put("aud", SERVICE);
            claims.put("exp", now + 300);
            claims.put("nbf", now - 10);
            claims.put("iat", now);
            claims.put("jti", UUID.randomUUID().toString());
            claims.put("access", access);
            var url = Base64.getUrlEncoder().withoutPadding();
            String signed = url.encodeToString(Json.write(header)) + "." + url.encodeToString(Json.write(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signed.getBytes(UTF_8));
            return signed + "." + url.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + output);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
