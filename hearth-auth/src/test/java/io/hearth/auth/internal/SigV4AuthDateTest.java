package io.hearth.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** X-Amz-Date read by hand must accept and refuse exactly what the strict formatter did. */
class SigV4AuthDateTest {
    private static final DateTimeFormatter STRICT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);

    @ParameterizedTest
    @ValueSource(strings = {"20261201T054512Z", "20240229T235959Z", "19700101T000000Z", "99991231T235959Z",
        "20250229T000000Z", "20261301T000000Z", "20261200T000000Z", "20261231T240000Z", "20261231T236000Z",
        "20261231T235960Z", "20261201 054512Z", "20261201T054512", "2026120T054512Z", "20261201T05451aZ",
        "2026-12-01T05:45:12Z", "", "20261201t054512z", "+2026120T054512Z"})
    void agreesWithTheStrictFormatter(String text) {
        Optional<Instant> strict;
        try {
            strict = Optional.of(STRICT.parse(text, Instant::from));
        } catch (RuntimeException e) {
            strict = Optional.empty();
        }
        assertThat(SigV4Auth.parseBasic(text)).as(text).isEqualTo(strict);
    }
}
