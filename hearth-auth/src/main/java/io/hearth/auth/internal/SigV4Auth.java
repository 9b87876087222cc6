package io.hearth.auth.internal;

import io.hearth.auth.AuthException;
import io.hearth.auth.SignedRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The SigV4 parameters of a request, from its {@code Authorization} header or from a presigned URL's query.
 *
 * @param presigned        whether they came from the query
 * @param credential       who signed, for which day, region and service
 * @param signedHeadersRaw the {@code SignedHeaders} list as sent, which the canonical request repeats verbatim
 * @param signedHeaders    the same names, in order
 * @param signature        the hex signature, lower case
 * @param amzDate          {@code X-Amz-Date} as sent ({@code yyyyMMdd'T'HHmmss'Z'})
 * @param signedAt         the same, parsed
 * @param expires          a presigned URL's lifetime ({@code X-Amz-Expires}); zero for header auth
 */
public record SigV4Auth(boolean presigned, SigV4Credential credential, String signedHeadersRaw,
        List<String> signedHeaders, String signature, String amzDate, Instant signedAt, Duration expires) {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String SIGNATURE_PARAM = "X-Amz-Signature";
    private static final List<String> PRESIGN_PARAMS = List.of("X-Amz-Algorithm", "X-Amz-Credential",
            SIGNATURE_PARAM, "X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Expires");
    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC)
            .withResolverStyle(ResolverStyle.STRICT);

    /**
     * @throws AuthException.MissingToken        when the request carries no SigV4 parameters at all
     * @throws AuthException.IncompleteSignature when they are malformed or incomplete, naming each missing part
     */
    public static SigV4Auth parse(SignedRequest request, SigV4Query query) {
        List<String> authorization = request.headerValues("Authorization");
        boolean presignParams = query.has("X-Amz-Algorithm") || query.has("X-Amz-Credential")
                || query.has(SIGNATURE_PARAM);
        if (!authorization.isEmpty() && presignParams) {
            throw new AuthException.IncompleteSignature("Only one auth mechanism allowed; only the X-Amz-Algorithm "
                    + "query parameter or the Authorization header should be specified");
        }
        if (!authorization.isEmpty()) {
            if (authorization.size() > 1) {
                throw new AuthException.IncompleteSignature(
                        "Authorization header: " + authorization.size() + " values (expected: one)");
            }
            return fromHeader(authorization.getFirst().strip(), request.header("X-Amz-Date"));
        }
        if (presignParams) {
            return fromQuery(query);
        }
        throw new AuthException.MissingToken("Missing Authentication Token");
    }

    private static SigV4Auth fromHeader(String header, Optional<String> amzDate) {
        int space = header.indexOf(' ');
        String algorithm = space < 0 ? header : header.substring(0, space);
        if (!algorithm.equals(ALGORITHM)) {
            throw new AuthException.IncompleteSignature(
                    "Authorization header requires the '" + ALGORITHM + "' algorithm, not '" + algorithm + "'.");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : header.substring(space + 1).split(",")) {
            String field = part.strip();
            if (field.isEmpty()) {
                continue;
            }
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw new AuthException.IncompleteSignature("Invalid key=value pair (missing equal-sign) in "
                        + "Authorization header: '" + field + "'. Authorization=" + header);
            }
            fields.putIfAbsent(field.substring(0, eq).strip(), field.substring(eq + 1).strip());
        }
        StringBuilder missing = new StringBuilder();
        for (String name : List.of("Credential", "Signature", "SignedHeaders")) {
            if (fields.getOrDefault(name, "").isEmpty()) {
                missing.append("Authorization header requires '").append(name).append("' parameter. ");
            }
        }
        if (amzDate.isEmpty()) {
            missing.append("Authorization header requires existence of a 'X-Amz-Date' header. ");
        }
        if (!missing.isEmpty()) {
            throw new AuthException.IncompleteSignature(missing + "Authorization=" + header);
        }
        return create(false, fields.get("Credential"), fields.get("SignedHeaders"), fields.get("Signature"),
                amzDate.get().strip(), Duration.ZERO);
    }

    private static SigV4Auth fromQuery(SigV4Query query) {
        StringBuilder missing = new StringBuilder();
        for (String name : PRESIGN_PARAMS) {
            if (query.first(name).orElse("").isEmpty()) {
                missing.append("AWS query-string parameters must include '").append(name).append("'. ");
            }
        }
        if (!missing.isEmpty()) {
            throw new AuthException.IncompleteSignature(missing + "Re-examine the query-string parameters.");
        }
        String algorithm = query.first("X-Amz-Algorithm").orElseThrow();
        if (!algorithm.equals(ALGORITHM)) {
            throw new AuthException.IncompleteSignature(
                    "X-Amz-Algorithm only supports '" + ALGORITHM + "', not '" + algorithm + "'.");
        }
        String expires = query.first("X-Amz-Expires").orElseThrow();
        if (!expires.matches("[0-9]{1,9}") || Long.parseLong(expires) == 0) {
            throw new AuthException.IncompleteSignature(
                    "X-Amz-Expires must be a positive number of seconds, not '" + expires + "'.");
        }
        return create(true, query.first("X-Amz-Credential").orElseThrow(),
                query.first("X-Amz-SignedHeaders").orElseThrow(), query.first(SIGNATURE_PARAM).orElseThrow(),
                query.first("X-Amz-Date").orElseThrow(), Duration.ofSeconds(Long.parseLong(expires)));
    }

    private static SigV4Auth create(boolean presigned, String credential, String signedHeadersRaw, String signature,
            String amzDate, Duration expires) {
        SigV4Credential parsed = SigV4Credential.parse(credential);
        List<String> signed = new ArrayList<>(Arrays.asList(signedHeadersRaw.split(";", -1)));
        if (signed.stream().anyMatch(String::isBlank)) {
            throw new AuthException.IncompleteSignature(
                    "SignedHeaders must be header names separated by ';', not '" + signedHeadersRaw + "'.");
        }
        if (signed.stream().noneMatch(h -> h.equalsIgnoreCase("host"))) {
            throw new AuthException.IncompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        Instant signedAt = parseBasic(amzDate).orElseThrow(() -> new AuthException.IncompleteSignature(
                "Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z'). Got '" + amzDate + "'."));
        return new SigV4Auth(presigned, parsed, signedHeadersRaw, List.copyOf(signed),
                signature.toLowerCase(Locale.ROOT), amzDate, signedAt, expires);
    }

    /**
     * Reads {@code yyyyMMdd'T'HHmmss'Z'} by hand: it is parsed on every signed request, and the general formatter
     * took a tenth of the signature check's time. Calendar-invalid dates (a 30th of February) are refused as the
     * strict formatter refused them.
     */
    static Optional<Instant> parseBasic(String text) {
        if (text.length() != 16 || text.charAt(8) != 'T' || text.charAt(15) != 'Z') {
            return Optional.empty();
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 4, 6);
        int day = digits(text, 6, 8);
        int hour = digits(text, 9, 11);
        int minute = digits(text, 11, 13);
        int second = digits(text, 13, 15);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return Optional.empty();
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Optional.of(Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second));
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character there is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Formats an instant the way X-Amz-Date does, for messages. */
    public static String basic(Instant instant) {
        return BASIC.format(instant);
    }
}
