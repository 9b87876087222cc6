package io.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A store written before tenants: its runtimes get the account in their ARNs, and keep their versions and endpoints. */
class TenantMigrationTest {
    private Path dataDir;

    @BeforeEach
    void create() throws IOException {
        dataDir = Files.createTempDirectory("hearth-store-");
    }

    @AfterEach
    void delete() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void runtimesOfAnOlderStoreBelongToTheAccountOfTheirArn() throws Exception {
        String url = "jdbc:sqlite:" + dataDir.resolve("hearth.db");
        Flyway.configure().dataSource(url, "", "").locations("classpath:db/migration/sqlite").target("3").load().migrate();
        try (var connection = DriverManager.getConnection(url); var statement = connection.createStatement()) {
            statement.execute("INSERT INTO runtimes (id, name, arn, status, latest_version, tags, created_at, last_updated_at)"
                    + " VALUES ('old-0123456789', 'old', 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/old-0123456789',"
                    + " 'READY', 1, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
            statement.execute("INSERT INTO runtime_versions (runtime_id, version, status, config, created_at)"
                    + " VALUES ('old-0123456789', 1, 'READY', '{}', '2026-01-01T00:00:00Z')");
            statement.execute("INSERT INTO endpoints (runtime_id, name, id, live_version, target_version, status, created_at,"
                    + " last_updated_at) VALUES ('old-0123456789', 'DEFAULT', 'DEFAULT-0123456789', 1, 1, 'READY',"
                    + " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
        }

        try (Store store = Store.open(dataDir)) {
            store.transaction(tx -> {
                StoredRuntime old = tx.runtime("123456789012", "old-0123456789").orElseThrow();
                assertThat(old.tenant()).isEqualTo("123456789012");
                assertThat(old.seq()).isEqualTo(1);
                assertThat(tx.runtime("000000000000", "old-0123456789")).isEmpty();
                assertThat(tx.version("old-0123456789", 1)).isPresent();
                assertThat(tx.endpoint("old-0123456789", "DEFAULT")).isPresent();

                // The same name in another tenant is free; a runtime's versions and endpoints still go with it.
                Instant now = Instant.parse("2026-02-01T00:00:00Z");
                StoredRuntime same = tx.insertRuntime(new StoredRuntime(0, "old-abcdefghij", "000000000000", "old",
                        "arn:aws:bedrock-agentcore:eu-west-1:000000000000:runtime/old-abcdefghij", "READY", Optional.empty(),
                        1, Map.of(), now, now));
                assertThat(same.seq()).isEqualTo(2);
                assertThat(tx.runtimeNamed("000000000000", "old")).isPresent();
                assertThat(tx.runtimeCount("123456789012")).isEqualTo(1);
                tx.deleteRuntime("old-0123456789");
                assertThat(tx.version("old-0123456789", 1)).isEmpty();
                assertThat(tx.endpoint("old-0123456789", "DEFAULT")).isEmpty();
                return null;
            });
        }
    }
}
