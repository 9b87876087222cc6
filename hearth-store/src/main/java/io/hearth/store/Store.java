package io.hearth.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hearth's durable state in one SQLite file ({@code <data-dir>/hearth.db}, WAL mode), migrated by Flyway on open.
 *
 * <p>One connection, one transaction at a time: SQLite has a single writer anyway. Callers rely on it: a check and
 * the write it guards (a name still free, a quota not reached, a client token not yet used), made in one
 * transaction, see no other transaction in between. The data plane's hot path reads the control plane's in-memory
 * view, not this.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final String MIGRATIONS = "classpath:db/migration/sqlite";

    private final Path file;
    private final Connection connection;

    private Store(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating and migrating when needed) the store in {@code dataDir}. */
    public static Store open(Path dataDir) {
        requireNonNull(dataDir, "dataDir");
        Path file = dataDir.toAbsolutePath().resolve("hearth.db");
        String url = "jdbc:sqlite:" + file;
        try {
            Files.createDirectories(dataDir);
            var migration = Flyway.configure()
                    .dataSource(url, "", "")
                    .locations(MIGRATIONS)
                    .loggers("slf4j")
                    .load()
                    .migrate();
            if (migration.migrationsExecuted > 0) {
                LOG.info("store {}: applied {} migration(s), now at version {}", file, migration.migrationsExecuted,
                        migration.targetSchemaVersion);
            }
            Connection connection = DriverManager.getConnection(url);
            try (Statement pragmas = connection.createStatement()) {
                pragmas.execute("PRAGMA journal_mode=WAL");
                pragmas.execute("PRAGMA synchronous=NORMAL");
                pragmas.execute("PRAGMA foreign_keys=ON");
                pragmas.execute("PRAGMA busy_timeout=5000");
            }
            connection.setAutoCommit(false);
            return new Store(file, connection);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open the store at " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws (the exception
     * then propagates unchanged).
     */
    public synchronized <T> T transaction(Function<Transaction, T> work) {
        try {
            T result = work.apply(new Transaction(connection));
            connection.commit();
            return result;
        } catch (RuntimeException e) {
            rollback();
            throw e;
        } catch (SQLException e) {
            rollback();
            throw new StoreException("cannot commit to " + file + ": " + e.getMessage(), e);
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback on {} failed", file, e);
            reopenTransaction();
        }
    }

    /**
     * SQLite ends a transaction by itself on some failures (a full disk: SQLITE_FULL at commit), and the driver then
     * has none open: every later unit of work would run statement by statement and fail at its commit. Open one.
     */
    private void reopenTransaction() {
        try (Statement begin = connection.createStatement()) {
            begin.execute("BEGIN");
        } catch (SQLException e) {
            LOG.warn("cannot open a new transaction on {} (one may still be open)", file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing {} failed", file, e);
        }
    }
}
