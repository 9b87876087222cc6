package io.hearth.image.internal;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge: {@code Basic realm="x"} or
 * {@code Bearer realm="https://auth/token",service="registry",scope="repository:a/b:pull"}.
 *
 * @param scheme lower case
 */
public record Challenge(String scheme, Map<String, String> parameters) {
    public Challenge {
        requireNonNull(scheme, "scheme");
        parameters = Map.copyOf(requireNonNull(parameters, "parameters"));
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    /** Parses the first challenge of a header value; values may be quoted and hold commas. */
    public static Challenge parse(String header) {
        requireNonNull(header, "WWW-Authenticate");
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        var parameters = new LinkedHashMap<String, String>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            var value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    value.append(text.charAt(i++));
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            parameters.putIfAbsent(name, value.toString().strip());
        }
        return new Challenge(scheme, parameters);
    }
}
