package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A caller that sends its headers and then dawdles over its body holds only its own exchange: with the JS SDK's
 * default {@code application/octet-stream}, Hearth waits for the first bytes to choose the agent's Content-Type,
 * and that wait must never hold a thread the rest of the server needs.
 */
class SlowCallerTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    @Test
    void aBodyThatArrivesLateStallsNothingElse() throws Exception {
        Agents.Runtime counter = hearth.agents().pythonCounter();
        String session = Invoker.newSessionId();
        var invoker = new Invoker(hearth.clients().data(), counter.arn());
        assertThat(invoker.count(session)).as("the session is warm").isEqualTo(1);

        byte[] body = "{\"prompt\": \"late\"}".getBytes(StandardCharsets.UTF_8);
        String path = "/runtimes/" + URLEncoder.encode(counter.arn(), StandardCharsets.UTF_8) + "/invocations";
        try (var slow = new Socket(hearth.endpoint().getHost(), hearth.endpoint().getPort())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\n" + Signed.rawHead("POST", hearth.endpoint(), path)
                    + "Content-Type: application/octet-stream\r\n"
                    + "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: " + session + "\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // While that body is outstanding, everyone else is served: another session's call and the control plane.
            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            var health = http.send(Signed.get(hearth.endpoint().resolve("/hearth/v1/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            var list = http.send(Signed.request("POST", hearth.endpoint().resolve("/runtimes/"), "")
                    .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(invoker.count(Invoker.newSessionId())).isEqualTo(1);

            out.write(body);
            out.flush();
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 200");
        }
        assertThat(invoker.count(session)).as("the late call reached the same sandbox").isEqualTo(3);
    }
}
