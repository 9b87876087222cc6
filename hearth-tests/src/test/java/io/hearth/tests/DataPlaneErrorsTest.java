package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.testing.Agents;
import io.hearth.testing.HearthExtension;
import io.hearth.testing.Invoker;
import io.hearth.testing.Signed;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockagentcore.model.RuntimeClientErrorException;
import software.amazon.awssdk.services.bedrockagentcore.model.ValidationException;

/** Every bad data-plane input gets the modeled AWS error, recognised by the SDK as its exception class. */
class DataPlaneErrorsTest {
    @RegisterExtension
    static final HearthExtension hearth = new HearthExtension();

    static Agents.Runtime counter;

    @BeforeAll
    static void deploy() {
        counter = hearth.agents().pythonCounter();
    }

    @Test
    void aSessionIdShorterThan33CharactersIsInvalid() {
        assertThatThrownBy(() -> invoke(counter.arn(), "short", null))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.reasonAsString()).isEqualTo("FieldValidationFailed");
                    assertThat(e.fieldList()).anySatisfy(f -> assertThat(f.name()).isEqualTo("runtimeSessionId"));
                });
    }

    @Test
    void anUnknownRuntimeIsNotFound() {
        String arn = "arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/nothing_here-abcdefghij";
        assertThatThrownBy(() -> invoke(arn, Invoker.newSessionId(), null)).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void anArnOfAnotherAccountIsNotFound() {
        String arn = counter.arn().replace(":000000000000:", ":123456789012:");
        assertThatThrownBy(() -> invoke(arn, Invoker.newSessionId(), null))
                .isInstanceOf(ResourceNotFoundException.class)
                // As for a runtime that does not exist: the account belongs to another tenant, or to none.
                .hasMessageContaining("Agent runtime " + counter.id() + " not found");
    }

    @Test
    void anUnknownQualifierIsNotFound() {
        assertThatThrownBy(() -> invoke(counter.arn(), Invoker.newSessionId(), "nosuchendpoint"))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aMalformedQualifierIsInvalid() {
        assertThatThrownBy(() -> invoke(counter.arn(), Invoker.newSessionId(), "9-bad"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("qualifier");
    }

    @Test
    void aMalformedArnIsInvalid() {
        assertThatThrownBy(() -> invoke("arn:aws:bedrock-agentcore:us-east-1:42:runtime/x", Invoker.newSessionId(), null))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("agentRuntimeArn");
    }

    @Test
    void aRuntimeIdWithItsAccountIdWorksLikeTheArn() throws Exception {
        String session = Invoker.newSessionId();
        var response = raw("/runtimes/" + counter.id() + "/invocations?accountId=000000000000", session, "{}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"count\": 1");
        assertThat(response.headers().firstValue("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id")).contains(session);
    }

    @Test
    void aRuntimeIdWithoutAccountIdIsInvalid() throws Exception {
        var response = raw("/runtimes/" + counter.id() + "/invocations", Invoker.newSessionId(), "{}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
        assertThat(response.body()).contains("\"__type\":\"ValidationException\"").contains("accountId");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
    }

    @Test
    void anUnknownPathAnswersTheAwsErrorShape() throws Exception {
        var response = raw("/nothing/here", Invoker.newSessionId(), "{}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("ResourceNotFoundException");
        assertThat(response.body()).contains("\"message\"");
    }

    @Test
    void anAgentThatCannotStartIsARuntimeClientErrorThatSaysWhy() {
        // README.md is no Python program: the interpreter starts, fails, and its complaint is in the answer.
        Agents.Runtime broken = hearth.agents().deploy("examples/python-counter", "PYTHON_3_12", "README.md",
                null, java.util.Map.of(), java.util.Map.of());
        assertThatThrownBy(() -> invoke(broken.arn(), Invoker.newSessionId(), null))
                .isInstanceOf(RuntimeClientErrorException.class)
                .hasMessageContaining("ended during start-up")
                .hasMessageContaining("SyntaxError");
    }

    @Test
    void aMissingSessionIdOnStopIsInvalid() throws Exception {
        var request = Signed.request("POST", hearth.endpoint().resolve("/runtimes/"
                        + URLEncoder.encode(counter.arn(), StandardCharsets.UTF_8) + "/stopruntimesession"), "{}")
                .header("Content-Type", "application/json").build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("runtimeSessionId");
    }

    private static void invoke(String arn, String session, String qualifier) {
        hearth.clients().data().invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(arn)
                .runtimeSessionId(session)
                .qualifier(qualifier)
                .payload(SdkBytes.fromUtf8String("{}")));
    }

    private static HttpResponse<String> raw(String pathAndQuery, String session, String body) throws Exception {
        var request = Signed.request("POST", URI.create(hearth.endpoint() + pathAndQuery), body)
                .header("Content-Type", "application/json")
                .header("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
