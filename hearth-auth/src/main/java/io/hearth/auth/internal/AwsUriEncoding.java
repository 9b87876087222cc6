package io.hearth.auth.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encoding SigV4 canonical requests use: every byte except the unreserved characters
 * ({@code A-Z a-z 0-9 - _ . ~}) as {@code %XX} with upper-case hex, a space as {@code %20}, never {@code +}.
 */
public final class AwsUriEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private AwsUriEncoding() {}

    /** The path as the SDKs put it in the canonical request: each segment of the raw path encoded once more. */
    public static String encodePath(String rawPath) {
        return encode(rawPath.getBytes(StandardCharsets.UTF_8), true);
    }

    /** A query name or value as it is received, re-encoded the canonical way whatever encoding the client chose. */
    public static String canonicalQueryComponent(String raw) {
        return encode(decode(raw), false);
    }

    /** Decodes {@code %XX} escapes to bytes; a {@code %} not followed by two hex digits stands for itself. */
    public static byte[] decode(String raw) {
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out.write(hex(in[i + 1]) << 4 | hex(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    static String encode(byte[] bytes, boolean keepSlash) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (unreserved(c) || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    private static boolean unreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~';
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
