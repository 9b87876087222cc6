package io.hearth.cli.internal;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * Prints a server-sent event stream for people, each event as soon as it ends: an event whose data is a JSON string
 * (what the agent SDKs send for streamed text) as that text, with nothing added; any other data as it came, on a
 * line of its own. Comments, ids and event names are not printed.
 */
public final class SseText {
    private final PrintStream out;
    private boolean atLineStart = true;

    public SseText(PrintStream out) {
        this.out = out;
    }

    /** Reads the stream to its end; the last text printed is ended with a newline if it had none. */
    public void copy(InputStream body) throws IOException {
        var data = new StringBuilder();
        boolean any = false;
        try (var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (any) {
                        print(data.toString());
                    }
                    data.setLength(0);
                    any = false;
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5);
                    data.append(any ? "\n" : "").append(value.startsWith(" ") ? value.substring(1) : value);
                    any = true;
                }
            }
        }
        if (any) {
            print(data.toString());
        }
        if (!atLineStart) {
            out.print('\n');
            out.flush();
        }
    }

    private void print(String data) {
        String text = text(data);
        if (text == null) {
            if (!atLineStart) {
                out.print('\n');
            }
            out.print(data);
            out.print('\n');
            atLineStart = true;
        } else if (!text.isEmpty()) {
            out.print(text);
            atLineStart = text.endsWith("\n");
        }
        out.flush();
    }

    /** The string a JSON string literal holds, or null for anything else. */
    private static String text(String data) {
        if (!data.startsWith("\"")) {
            return null;
        }
        try {
            JsonNode node = Json.tree(data.getBytes(StandardCharsets.UTF_8));
            return node.isString() ? node.asString() : null;
        } catch (ApiException e) {
            return null;
        }
    }
}
