package io.hearth.cli;

import io.hearth.api.Json;
import java.nio.charset.StandardCharsets;

/** {@code --json}: one JSON document on stdout, for scripts. */
final class JsonOut {
    private JsonOut() {}

    static void print(Object answer) {
        System.out.println(new String(Json.write(answer), StandardCharsets.UTF_8));
    }
}
