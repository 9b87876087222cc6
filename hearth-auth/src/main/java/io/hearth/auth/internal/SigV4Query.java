package io.hearth.auth.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** A raw query string split into parameters, for the presigned parameters and the canonical query. */
public final class SigV4Query {
    private final List<Param> params;

    private record Param(String name, String value, String canonicalName, String canonicalValue) {}

    private SigV4Query(List<Param> params) {
        this.params = params;
    }

    public static SigV4Query parse(String rawQuery) {
        List<Param> params = new ArrayList<>();
        for (String piece : rawQuery.split("&")) {
            if (piece.isEmpty()) {
                continue;
            }
            int eq = piece.indexOf('=');
            String rawName = eq < 0 ? piece : piece.substring(0, eq);
            String rawValue = eq < 0 ? "" : piece.substring(eq + 1);
            params.add(new Param(decoded(rawName), decoded(rawValue), AwsUriEncoding.canonicalQueryComponent(rawName),
                    AwsUriEncoding.canonicalQueryComponent(rawValue)));
        }
        return new SigV4Query(List.copyOf(params));
    }

    /** The decoded value of the first parameter with this exact name. */
    public Optional<String> first(String name) {
        return params.stream().filter(p -> p.name.equals(name)).map(Param::value).findFirst();
    }

    public boolean has(String name) {
        return params.stream().anyMatch(p -> p.name.equals(name));
    }

    /**
     * The canonical query: every parameter re-encoded, sorted by name then value, {@code excluded} (the signature of
     * a presigned URL) left out.
     */
    public String canonical(Optional<String> excluded) {
        return params.stream()
                .filter(p -> excluded.map(e -> !p.name.equals(e)).orElse(true))
                .sorted(Comparator.comparing(Param::canonicalName).thenComparing(Param::canonicalValue))
                .map(p -> p.canonicalName + "=" + p.canonicalValue)
                .collect(Collectors.joining("&"));
    }

    private static String decoded(String raw) {
        return new String(AwsUriEncoding.decode(raw), StandardCharsets.UTF_8);
    }
}
