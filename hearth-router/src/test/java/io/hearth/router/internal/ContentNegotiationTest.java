package io.hearth.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentNegotiationTest {

    @ParameterizedTest(name = "{0} with body [{1}] reaches the agent as {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL                      | {\"a\":1}   | application/json",
            "application/octet-stream  | ' [1,2]'  | application/json",
            "application/octet-stream  | binary    | application/octet-stream",
            "NULL                      | hello     | application/octet-stream",
            "NULL                      | ''        | application/octet-stream",
            "application/json          | {}        | application/json",
            "text/plain                | {}        | text/plain",
            "application/octet-stream; charset=x | {} | application/json",
            "image/png                 | {         | image/png",
    })
    void rewritesOnlyMissingOrOctetStreamTypesOfJsonLookingBodies(String callerType, String body, String expected) {
        ByteBuffer first = ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8));
        assertThat(ContentNegotiation.contentType(callerType, first)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "Accept {0} reaches the agent as {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL                | application/json, text/event-stream",
            "*/*                 | application/json, text/event-stream",
            "text/event-stream   | text/event-stream",
            "application/json    | application/json",
    })
    void fillsInAnAcceptThatTakesWhateverTheAgentAnswers(String callerAccept, String expected) {
        assertThat(ContentNegotiation.accept(callerAccept)).isEqualTo(expected);
    }
}
