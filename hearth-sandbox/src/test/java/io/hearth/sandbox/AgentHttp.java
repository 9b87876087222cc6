package io.hearth.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for an agent's /ping and /invocations, as Hearth's proxy would call them. */
final class AgentHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private AgentHttp() {}

    static int ping(InetSocketAddress agent) {
        try {
            var request = HttpRequest.newBuilder(uri(agent, "/ping")).timeout(Duration.ofSeconds(2)).GET().build();
            return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Polls /ping every 2 ms until it answers 200; returns how long that took. */
    static Duration awaitReady(InetSocketAddress agent, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ping(agent) == 200) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("agent at " + agent + " did not answer GET /ping within " + timeout);
    }

    static JsonNode invoke(InetSocketAddress agent, String json, Duration timeout) {
        try {
            var request = HttpRequest.newBuilder(uri(agent, "/invocations"))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build();
            var response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("POST /invocations " + json + " to " + agent + ": " + response.statusCode()
                        + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("POST /invocations " + json + " to " + agent + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static JsonNode invoke(InetSocketAddress agent, String json) {
        return invoke(agent, json, Duration.ofSeconds(30));
    }

    private static URI uri(InetSocketAddress agent, String path) {
        return URI.create("http://" + agent.getAddress().getHostAddress() + ":" + agent.getPort() + path);
    }
}
