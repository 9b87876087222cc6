package io.hearth.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.api.ApiException;
import io.hearth.auth.AccessKey;
import io.hearth.server.internal.KeyRing;
import io.hearth.server.internal.MasterKey;
import io.hearth.store.Store;
import io.hearth.testing.HearthExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store of access keys: secrets encrypted at rest, changes seen at once through the cache. */
class KeyRingTest {
    private Path dir;

    @BeforeEach
    void dir() throws Exception {
        dir = Files.createTempDirectory("hearth-keys-");
    }

    @AfterEach
    void clean() {
        HearthExtension.deleteTree(dir);
    }

    @Test
    void secretsAreNeverInTheDatabaseInClear() throws Exception {
        AccessKey created;
        try (Store store = Store.open(dir)) {
            var keys = new KeyRing(store, MasterKey.loadOrCreate(dir), Clock.systemUTC());
            created = keys.create("000000000000", "ci");
            keys.save(new AccessKey("AKIDGIVEN", "given-secret-value-0123456789", "000000000000", true), "given");
            assertThat(keys.find(created.id())).contains(created);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("hearth.db")).toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(bytes).doesNotContain(created.secret()).doesNotContain("given-secret-value");
            }
        }
        // Reopened with the same master key, the secret is back.
        try (Store store = Store.open(dir)) {
            var keys = new KeyRing(store, MasterKey.loadOrCreate(dir), Clock.systemUTC());
            assertThat(keys.find(created.id()).orElseThrow().secret()).isEqualTo(created.secret());
        }
        // Another master key cannot open it.
        Files.delete(dir.resolve("master.key"));
        try (Store store = Store.open(dir)) {
            var keys = new KeyRing(store, MasterKey.loadOrCreate(dir), Clock.systemUTC());
            assertThatThrownBy(() -> keys.find(created.id())).hasMessageContaining("master.key");
        }
    }

    @Test
    void aChangeIsSeenByTheNextLookup() {
        try (Store store = Store.open(dir)) {
            var keys = new KeyRing(store, MasterKey.loadOrCreate(dir), Clock.systemUTC());
            AccessKey first = keys.create("000000000000", "");
            AccessKey second = keys.create("000000000000", "");
            assertThat(keys.find(second.id()).orElseThrow().enabled()).isTrue();
            keys.setEnabled(second.id(), false);
            assertThat(keys.find(second.id()).orElseThrow().enabled()).isFalse();
            keys.delete(second.id());
            assertThat(keys.find(second.id())).isEmpty();
            // The last enabled key stays: nobody could sign a request to make another.
            assertThatThrownBy(() -> keys.setEnabled(first.id(), false)).isInstanceOf(ApiException.Conflict.class);
            assertThatThrownBy(() -> keys.setEnabled("HKNOSUCHKEY", false)).isInstanceOf(ApiException.NotFound.class);
        }
    }
}
