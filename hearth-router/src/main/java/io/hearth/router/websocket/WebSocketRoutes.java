package io.hearth.router.websocket;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The WebSocket paths of a runtime, each with its {@link WebSocketRoute}: the one place a new socket path is
 * registered. A path is what follows {@code /runtimes/{arn}/}, for example {@code ws} or {@code ws/shells}.
 *
 * <pre>{@code
 * WebSocketRoutes.builder()
 *         .add("ws", new AgentSocketRoute(client))
 *         .add("ws/shells", shells)
 *         .build();
 * }</pre>
 */
public final class WebSocketRoutes {
    private final Map<List<String>, WebSocketRoute> routes;

    private WebSocketRoutes(Map<List<String>, WebSocketRoute> routes) {
        this.routes = Map.copyOf(routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The route of the path segments after the runtime's label, if one is registered. */
    public Optional<WebSocketRoute> match(List<String> segments) {
        return Optional.ofNullable(routes.get(segments));
    }

    public static final class Builder {
        private final Map<List<String>, WebSocketRoute> routes = new LinkedHashMap<>();

        private Builder() {}

        /** @param path what follows {@code /runtimes/{arn}/}: {@code ws}, or below it ({@code ws/shells}) */
        public Builder add(String path, WebSocketRoute route) {
            requireNonNull(path, "path");
            requireNonNull(route, "route");
            List<String> segments = List.of(path.split("/", -1));
            if (!segments.getFirst().equals("ws") || segments.stream().anyMatch(String::isEmpty)) {
                // The edge lets unsigned upgrades through to the runtime's authorizer only under /ws.
                throw new IllegalArgumentException("path: " + path + " (expected: ws, or a path below it such as ws/shells)");
            }
            if (routes.putIfAbsent(segments, route) != null) {
                throw new IllegalArgumentException("path: " + path + " (expected: a path not registered yet)");
            }
            return this;
        }

        public WebSocketRoutes build() {
            return new WebSocketRoutes(routes);
        }
    }
}
