package io.hearth.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8ChunksTest {

    @Test
    void everySplitOfMultiByteTextComesOutWhole() {
        String text = "aé€😀b";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            var chunks = new Utf8Chunks();
            String first = chunks.next(Arrays.copyOfRange(bytes, 0, cut), cut);
            String second = chunks.next(Arrays.copyOfRange(bytes, cut, bytes.length), bytes.length - cut);
            assertThat(first + second + chunks.finish()).as("cut at %d", cut).isEqualTo(text);
            assertThat(first + second).doesNotContain("\uFFFD");
        }
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharacters() {
        var chunks = new Utf8Chunks();
        byte[] bytes = {'x', (byte) 0xFF, 'y', (byte) 0xE2, (byte) 0x82};
        assertThat(chunks.next(bytes, bytes.length)).isEqualTo("x\uFFFDy");
        assertThat(chunks.finish()).isEqualTo("\uFFFD");
    }
}
