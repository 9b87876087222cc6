package io.hearth.testing;

import io.hearth.api.Json;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockagentcore.BedrockAgentCoreClient;
import tools.jackson.databind.JsonNode;

/** Invokes a runtime through the real SDK client and reads the agent's JSON answer. */
public record Invoker(BedrockAgentCoreClient client, String arn) {

    public static String newSessionId() {
        return "session-" + UUID.randomUUID();
    }

    public JsonNode invoke(String sessionId, String payload) {
        var response = client.invokeAgentRuntimeAsBytes(r -> r.agentRuntimeArn(arn)
                .runtimeSessionId(sessionId)
                .payload(SdkBytes.fromUtf8String(payload)));
        return Json.tree(response.asByteArray());
    }

    public int count(String sessionId) {
        return invoke(sessionId, "{\"prompt\":\"count\"}").path("count").asInt();
    }

    public void stop(String sessionId) {
        client.stopRuntimeSession(r -> r.agentRuntimeArn(arn).runtimeSessionId(sessionId));
    }
}
