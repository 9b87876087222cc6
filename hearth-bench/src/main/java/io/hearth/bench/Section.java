package io.hearth.bench;

/** The measurements, in the order they run; {@code --only} picks some by {@link #key()}. */
public enum Section {
    WARM_INVOKE("warm", "Warm invoke"),
    BIG_PAYLOAD("payload", "100 MB payload"),
    SSE_STREAMS("sse", "Open SSE streams"),
    COLD_START("cold", "Cold start"),
    DENSITY("density", "Density"),
    WARM_POOL("pool", "Warm pool"),
    COMMANDS("commands", "Commands"),
    WEBSOCKET("websocket", "WebSocket"),
    IMAGES("images", "Container images"),
    HIBERNATION("hibernation", "Hibernation");

    private final String key;
    private final String title;

    Section(String key, String title) {
        this.key = key;
        this.title = title;
    }

    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    public static Section byKey(String key) {
        for (Section section : values()) {
            if (section.key.equals(key)) {
                return section;
            }
        }
        throw new IllegalArgumentException("section: " + key + " (expected: one of warm, payload, sse, cold, density, pool, commands, websocket, images, hibernation)");
    }
}
