package io.hearth.router.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.ApiException;
import io.hearth.api.Json;
import io.hearth.http.EventStreamMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandEventsTest {

    @Test
    void deltasOfTextThatEscapesBadlyAreSplitUnderTheCapAndKeepTheText() {
        String text = "\u0001".repeat(30_000) + "😀" + "ok";
        List<EventStreamMessage> deltas = CommandEvents.deltas(CommandEvents.Output.STDERR, text);

        assertThat(deltas).hasSizeGreaterThan(1);
        var joined = new StringBuilder();
        for (EventStreamMessage delta : deltas) {
            assertThat(delta.payload().length).isLessThanOrEqualTo(CommandEvents.MAX_PAYLOAD_BYTES);
            assertThat(delta.headers()).containsEntry(":event-type", "chunk");
            joined.append(Json.tree(delta.payload()).get("contentDelta").get("stderr").stringValue());
        }
        assertThat(joined.toString()).isEqualTo(text);
    }

    @Test
    void startStopAndExceptionsHaveTheModeledShapes() {
        assertThat(Json.tree(CommandEvents.start().payload()).toString()).isEqualTo("{\"contentStart\":{}}");
        assertThat(Json.tree(CommandEvents.stop(124, CommandEvents.Status.TIMED_OUT).payload()).get("contentStop").toString())
                .contains("\"exitCode\":124").contains("\"status\":\"TIMED_OUT\"");
        EventStreamMessage error = CommandEvents.exception(ApiException.runtimeClient("gone"));
        assertThat(error.headers()).containsEntry(":message-type", "exception")
                .containsEntry(":exception-type", "runtimeClientError");
        assertThat(CommandEvents.exception(ApiException.internal("oops", null)).headers())
                .containsEntry(":exception-type", "internalServerException");
    }

    @Test
    void requestsAreCheckedAgainstTheModel() {
        assertThat(CommandRequest.of(Json.tree("{\"command\":\"ls\"}".getBytes())).timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(CommandRequest.of(Json.tree("{\"command\":\"ls\",\"timeout\":3600}".getBytes())).timeout())
                .isEqualTo(Duration.ofHours(1));
        for (String bad : List.of("{}", "{\"command\":\"\"}", "{\"command\":1}", "{\"command\":\"ls\",\"timeout\":0}",
                "{\"command\":\"ls\",\"timeout\":3601}", "{\"command\":\"ls\",\"timeout\":1.5}")) {
            assertThatThrownBy(() -> CommandRequest.of(Json.tree(bad.getBytes()))).as(bad)
                    .isInstanceOf(ApiException.Validation.class);
        }
    }
}
