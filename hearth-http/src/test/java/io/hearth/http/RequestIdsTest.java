package io.hearth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void idsAreDistinctVersionFourUuids() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = RequestIds.randomId();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(UUID.fromString(id.toString())).isEqualTo(id);
            seen.add(id.toString());
        }
        assertThat(seen).hasSize(10_000);
    }
}
