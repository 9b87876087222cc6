package io.hearth.launcher;

import io.hearth.deployment.Deployment;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A deployment's public invocation URL, as AgentCore gives it to agents in {@code AGENTCORE_RUNTIME_URL}:
 * {@code <endpoint>/runtimes/<percent-encoded ARN>/invocations/}, with {@code ?qualifier=} for a named endpoint.
 */
public final class RuntimeUrl {
    private RuntimeUrl() {}

    public static String of(URI endpoint, Deployment d) {
        String base = endpoint.toString().replaceAll("/+$", "");
        // One segment: ':' and '/' of the ARN percent-encoded, as the AWS SDKs send it.
        String arn = URLEncoder.encode(d.runtimeArn(), StandardCharsets.UTF_8);
        String url = base + "/runtimes/" + arn + "/invocations/";
        return d.endpointName().equals("DEFAULT") ? url : url + "?qualifier=" + d.endpointName();
    }
}
