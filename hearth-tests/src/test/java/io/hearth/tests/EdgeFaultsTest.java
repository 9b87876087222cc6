package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.model.InvokeAgentRuntimeRequest;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;
import software.amazon.awssdk.services.bedrockagentcore.model.ValidationException;

/**
 * Faults at the HTTP edge: oversized and malformed requests, over-long modeled headers, environment variables no
 * process can hold, and agents that answer errors with large bodies. Each must end in the AWS error shape, readable
 * by the client that caused it, before any sandbox work is spent on it.
 */
class EdgeFaultsTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static final long PAYLOAD_LIMIT = 100_000_000L;
    static Agents.Runtime counter;
    static ControlPlaneFixture fx;

    @BeforeAll
    static void deploy() {
        counter = hearth.agents().pythonCounter();
        fx = new ControlPlaneFixture(hearth);
        fx.stage("examples/python-counter", "edge_counter");
    }

    // 1. Payload limit on the data plane

    @Test
    void aDeclaredBodyOverThePayloadLimitIsRefusedBeforeItIsSent() throws Exception {
        String session = Invoker.newSessionId();
        try (var socket = connect()) {
            long started = System.nanoTime();
            send(socket, "POST " + invokePath(counter.arn()) + " HTTP/1.1\r\n" + signedHead("POST", invokePath(counter.arn()))
                    + "Content-Type: application/json\r\n"
                    + "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: " + session + "\r\n"
                    + "Content-Length: " + (PAYLOAD_LIMIT + 1) + "\r\n\r\n");
            // Not one body byte follows: the answer must not wait for them.
            RawResponse response = RawResponse.read(socket.getInputStream());
            assertThat(System.nanoTime() - started).as("answered promptly").isLessThan(5_000_000_000L);
            response.assertAwsError(400, "ValidationException");
            assertThat(response.body()).contains("payload").contains("100000000");
            assertThat(socket.getInputStream().read()).as("the connection is closed after the answer").isEqualTo(-1);
        }
        assertNoSession(session);
    }

    @Test
    void aChunkedBodyThatGrowsPastThePayloadLimitIsRefusedWhenItCrossesIt() throws Exception {
        String session = Invoker.newSessionId();
        var invoker = new Invoker(hearth.clients().data(), counter.arn());
        try (var socket = connect()) {
            send(socket, "POST " + invokePath(counter.arn()) + " HTTP/1.1\r\n" + signedHead("POST", invokePath(counter.arn()))
                    + "Content-Type: application/json\r\n"
                    + "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: " + session + "\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            byte[] data = new byte[1 << 20];
            Arrays.fill(data, (byte) ' ');
            byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            while (sent <= PAYLOAD_LIMIT) {
                out.write(head);
                out.write(data);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                sent += data.length;
            }
            out.flush();
            // The body is not finished (no last chunk): the error must come because the limit was crossed.
            RawResponse response = RawResponse.read(socket.getInputStream());
            response.assertAwsError(400, "ValidationException");
            assertThat(response.body()).contains("payload").contains("100000000");
        }
        assertThat(invoker.count(session)).as("the session still serves").isGreaterThanOrEqualTo(1);
    }

    // 2. Body limit on the control plane

    @Test
    void aControlPlaneBodyOverItsLimitGetsAnAnswerTheSlowSenderCanRead() throws Exception {
        int declared = 4 << 20;
        try (var socket = connect()) {
            send(socket, "PUT /runtimes/ HTTP/1.1\r\n" + signedHead("PUT", "/runtimes/") + "Content-Type: application/json\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n{\"description\":\"");
            OutputStream out = socket.getOutputStream();
            Thread sender = Thread.ofVirtual().start(() -> {
                byte[] piece = new byte[64 * 1024];
                Arrays.fill(piece, (byte) 'x');
                try {
                    for (int sent = 0; sent + piece.length < declared; sent += piece.length) {
                        out.write(piece);
                        out.flush();
                        Thread.sleep(5);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server may stop listening once it has answered
                }
            });
            RawResponse response = RawResponse.read(socket.getInputStream());
            response.assertAwsError(400, "ValidationException");
            assertThat(response.body()).contains("request body").contains(String.valueOf(1 << 20));
            sender.interrupt();
            sender.join();
        }
    }

    @Test
    void aControlPlaneBodyOverItsLimitSentWholeBeforeReadingStillGetsItsAnswer() throws Exception {
        // Most clients write the whole body before they look at the response: cutting them off mid-body loses it.
        int declared = 32 << 20;
        byte[] body = new byte[declared];
        Arrays.fill(body, (byte) 'x');
        try (var socket = connect()) {
            send(socket, "PUT /runtimes/ HTTP/1.1\r\n" + signedHead("PUT", "/runtimes/") + "Content-Type: application/json\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n");
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            RawResponse response = RawResponse.read(socket.getInputStream());
            response.assertAwsError(400, "ValidationException");
            assertThat(response.body()).contains("request body").contains(String.valueOf(1 << 20));
        }
    }

    @Test
    void aControlPlaneRequestOverItsBodyLimitIsAValidationExceptionForTheSdk() {
        var tooMany = new LinkedHashMap<String, String>();
        IntStream.range(0, 250).forEach(i -> tooMany.put("VAR_" + i, "v".repeat(5_000)));
        String name = ControlPlaneFixture.uniqueName("edge_big");
        assertThatThrownBy(() -> fx.control.createAgentRuntime(ControlPlaneFixture.counter(name, "edge_counter")
                .andThen(r -> r.environmentVariables(tooMany))))
                .isInstanceOfSatisfying(software.amazon.awssdk.services.bedrockagentcorecontrol.model.ValidationException.class,
                        e -> assertThat(e.getMessage()).contains("request body"));
    }

    // 3. Malformed HTTP: unsigned on purpose, the parser refuses it before authentication could

    @ParameterizedTest
    @ValueSource(strings = {
            "GARBAGE\r\n\r\n",
            "GET /x HTTP/9.9\r\nHost: localhost\r\n\r\n",
            "G(T /x HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n",
            "POST /runtimes/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: nope\r\n\r\n",
    })
    void malformedHttpIsAClientErrorInTheAwsShape(String request) throws Exception {
        try (var socket = connect()) {
            send(socket, request);
            RawResponse response = RawResponse.read(socket.getInputStream());
            assertThat(response.status()).as("status of %s", response).isBetween(400, 499).isNotEqualTo(404);
            if (response.hasBody()) {
                response.assertAwsError(response.status(), "ValidationException");
            }
        }
    }

    @Test
    void anUnsupportedHttpVersionIs505() throws Exception {
        try (var socket = connect()) {
            send(socket, "GET /x HTTP/2.5\r\nHost: localhost\r\n\r\n");
            RawResponse response = RawResponse.read(socket.getInputStream());
            assertThat(response.status()).as("status of %s", response).isIn(400, 505);
        }
    }

    // 4. Modeled header lengths

    @ParameterizedTest
    @ValueSource(strings = {
            "X-Amzn-Bedrock-AgentCore-Runtime-User-Id=1024",
            "Mcp-Session-Id=1024",
            "Mcp-Protocol-Version=1024",
            "X-Amzn-Trace-Id=128",
            "traceparent=128",
            "tracestate=512",
            "baggage=8192",
            "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id=256",
    })
    void aHeaderLongerThanTheModelAllowsIsRefusedBeforeAnySandbox(String headerAndLimit) throws Exception {
        String header = headerAndLimit.substring(0, headerAndLimit.indexOf('='));
        int limit = Integer.parseInt(headerAndLimit.substring(headerAndLimit.indexOf('=') + 1));
        String session = Invoker.newSessionId();
        String tooLong = "a".repeat(limit + 1);
        Consumer<InvokeAgentRuntimeRequest.Builder> request = r -> {
            r.agentRuntimeArn(counter.arn()).runtimeSessionId(session).payload(SdkBytes.fromUtf8String("{}"));
            switch (header.toLowerCase(Locale.ROOT)) {
                case "x-amzn-bedrock-agentcore-runtime-user-id" -> r.runtimeUserId(tooLong);
                case "mcp-session-id" -> r.mcpSessionId(tooLong);
                case "mcp-protocol-version" -> r.mcpProtocolVersion(tooLong);
                case "x-amzn-trace-id" -> r.traceId(tooLong);
                case "traceparent" -> r.traceParent(tooLong);
                case "tracestate" -> r.traceState(tooLong);
                case "baggage" -> r.baggage(tooLong);
                case "x-amzn-bedrock-agentcore-runtime-session-id" -> r.runtimeSessionId(tooLong);
                default -> throw new IllegalArgumentException(header);
            }
        };
        assertThatThrownBy(() -> hearth.clients().data().invokeAgentRuntimeAsBytes(request))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).containsIgnoringCase(header)
                            .contains(String.valueOf(limit + 1))
                            .contains(String.valueOf(limit));
                    assertThat(e.fieldList()).isNotEmpty();
                });
        assertNoSession(session);
    }

    @Test
    void headersAtTheirModeledLimitsPass() {
        var answer = hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(counter.arn())
                .runtimeSessionId("s".repeat(256))
                .runtimeUserId("u".repeat(1024))
                .mcpSessionId("m".repeat(1024))
                .mcpProtocolVersion("p".repeat(1024))
                .traceId("t".repeat(128))
                .traceParent("0".repeat(128))
                .traceState("k=" + "v".repeat(510))
                .baggage("b=" + "v".repeat(8190))
                .payload(SdkBytes.fromUtf8String("{}")));
        assertThat(answer.asUtf8String()).contains("\"count\": 1");
    }

    // 5. Environment variables a process can hold

    @ParameterizedTest
    @ValueSource(strings = {"A=B", "A\u0000B", "=", ""})
    void anEnvironmentVariableNameNoProcessCanHoldIsRefusedAtCreate(String key) {
        String name = ControlPlaneFixture.uniqueName("edge_env");
        assertThatThrownBy(() -> fx.control.createAgentRuntime(ControlPlaneFixture.counter(name, "edge_counter")
                .andThen(r -> r.environmentVariables(Map.of(key, "x")))))
                .satisfies(e -> ControlPlaneFixture.assertFieldValidation(e, "environmentVariables"))
                .hasMessageContaining("environmentVariables");
    }

    @Test
    void anEnvironmentVariableNameOrValueNoProcessCanHoldIsRefusedAtUpdate() {
        var runtime = fx.createReady(ControlPlaneFixture.counter(ControlPlaneFixture.uniqueName("edge_envu"), "edge_counter"));
        assertThatThrownBy(() -> fx.control.updateAgentRuntime(ControlPlaneFixture.counterUpdate(runtime.id(),
                "edge_counter", null, Map.of("GOOD", "fine", "BAD=KEY", "x"))))
                .satisfies(e -> ControlPlaneFixture.assertFieldValidation(e, "environmentVariables"))
                .hasMessageContaining("BAD=KEY");
        assertThatThrownBy(() -> fx.control.updateAgentRuntime(ControlPlaneFixture.counterUpdate(runtime.id(),
                "edge_counter", null, Map.of("NUL_VALUE", "a\u0000b"))))
                .satisfies(e -> ControlPlaneFixture.assertFieldValidation(e, "environmentVariables"))
                .hasMessageContaining("NUL_VALUE");
    }

    // 6. Large agent error bodies

    @Test
    void anAgentErrorWithALargeBodyIsARuntimeClientErrorWithItsBeginning() throws Exception {
        Path code = Files.createDirectories(hearth.dataDir().resolve("agents").resolve("big_error"));
        Files.writeString(code.resolve("agent.py"), """
                import os
                from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
                class H(BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    def log_message(self, *a): pass
                    def reply(self, status, body):
                        self.send_response(status)
                        self.send_header("Content-Type", "text/plain")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    def do_GET(self):
                        self.reply(200, b'{"status":"Healthy"}')
                    def do_POST(self):
                        self.rfile.read(int(self.headers.get("Content-Length", "0")))
                        self.reply(500, b"BEGIN-OF-ERROR " + b"e" * (100 * 1024) + b" END-OF-ERROR")
                ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), H).serve_forever()
                """);
        Agents.Runtime failing = hearth.agents().deploy(code.toString(), "PYTHON_3_12", "agent.py", null, Map.of(), Map.of());
        assertThatThrownBy(() -> hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(failing.arn())
                .runtimeSessionId(Invoker.newSessionId())
                .payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOfSatisfying(RuntimeClientErrorException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(424);
                    assertThat(e.getMessage()).contains("Received error (500) from the agent")
                            .contains("BEGIN-OF-ERROR")
                            .doesNotContain("END-OF-ERROR")
                            .contains("cut");
                    assertThat(e.getMessage().length()).isLessThan(8 * 1024);
                });
    }

    // helpers

    static Socket connect() throws IOException {
        var socket = new Socket(hearth.endpoint().getHost(), hearth.endpoint().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    static String invokePath(String arn) {
        return "/runtimes/" + URLEncoder.encode(arn, StandardCharsets.UTF_8) + "/invocations";
    }

    /**
     * Host and a SigV4 signature over the head only (the body is UNSIGNED-PAYLOAD): the limits below must hold for an
     * authenticated caller, and what is sent after the head is for each test to choose.
     */
    static String signedHead(String method, String path) {
        return Signed.rawHead(method, hearth.endpoint(), path);
    }

    static void assertNoSession(String session) throws Exception {
        var request = Signed.get(hearth.endpoint().resolve("/hearth/v1/sessions?sessionId="
                + URLEncoder.encode(session, StandardCharsets.UTF_8))).build();
        var response = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).as("sessions named %s", session).doesNotContain(session);
    }

    /** One HTTP/1.1 response read off a socket: status line, headers, and a Content-Length body. */
    record RawResponse(int status, Map<String, String> headers, String body) {
        static RawResponse read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine.isEmpty()) {
                throw new IOException("no response (connection closed)");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            var headers = new LinkedHashMap<String, String>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new RawResponse(status, headers, body);
        }

        private static String line(InputStream in) throws IOException {
            var bytes = new ByteArrayOutputStream();
            try {
                for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                    if (b != '\r') {
                        bytes.write(b);
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new IOException("no complete response in time (so far: " + bytes + ")", e);
            }
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }

        boolean hasBody() {
            return !body.isEmpty();
        }

        void assertAwsError(int expectedStatus, String type) {
            assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
            assertThat(headers.get("x-amzn-errortype")).as("x-amzn-ErrorType of %s", this).isEqualTo(type);
            assertThat(headers.get("x-amzn-requestid")).as("x-amzn-RequestId of %s", this).isNotBlank();
            assertThat(body).contains("\"__type\":\"" + type + "\"").contains("\"message\"");
        }
    }
}
