package io.hearth.store;

import io.hearth.api.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import tools.jackson.core.type.TypeReference;

/** The statements of one {@link Store#transaction}: every SQL string Hearth runs lives in this file. */
public final class Transaction {
    private static final TypeReference<LinkedHashMap<String, String>> TAGS = new TypeReference<>() {};

    private final Connection connection;

    Transaction(Connection connection) {
        this.connection = connection;
    }

    // ---- runtimes

    public StoredRuntime insertRuntime(StoredRuntime r) {
        long seq = insert("INSERT INTO runtimes (id, tenant, name, arn, status, failure_reason, latest_version, tags,"
                        + " created_at, last_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.id(), r.tenant(), r.name(), r.arn(), r.status(), r.failureReason().orElse(null), r.latestVersion(),
                Json.writeString(r.tags()), r.createdAt().toString(),
                r.lastUpdatedAt().toString());
        return new StoredRuntime(seq, r.id(), r.tenant(), r.name(), r.arn(), r.status(), r.failureReason(), r.latestVersion(),
                r.tags(), r.createdAt(), r.lastUpdatedAt());
    }

    public void updateRuntime(StoredRuntime r) {
        update("UPDATE runtimes SET status = ?, failure_reason = ?, latest_version = ?, last_updated_at = ? WHERE id = ?",
                r.status(), r.failureReason().orElse(null), r.latestVersion(), r.lastUpdatedAt().toString(), r.id());
    }

    public Optional<StoredRuntime> runtime(String id) {
        return one("SELECT * FROM runtimes WHERE id = ?", Transaction::runtime, id);
    }

    /** The tenant's runtime of that id; another tenant's is not found. */
    public Optional<StoredRuntime> runtime(String tenant, String id) {
        return one("SELECT * FROM runtimes WHERE tenant = ? AND id = ?", Transaction::runtime, tenant, id);
    }

    public Optional<StoredRuntime> runtimeNamed(String tenant, String name) {
        return one("SELECT * FROM runtimes WHERE tenant = ? AND name = ?", Transaction::runtime, tenant, name);
    }

    /** The tenant's runtimes in creation order after {@code afterSeq}, at most {@code limit}. */
    public List<StoredRuntime> runtimes(String tenant, long afterSeq, int limit) {
        return many("SELECT * FROM runtimes WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?", Transaction::runtime,
                tenant, afterSeq, limit);
    }

    public long runtimeCount(String tenant) {
        return count("SELECT COUNT(*) FROM runtimes WHERE tenant = ?", tenant);
    }

    /** Deletes the runtime with its versions and endpoints. */
    public void deleteRuntime(String id) {
        update("DELETE FROM runtimes WHERE id = ?", id);
    }

    // ---- versions

    public void insertVersion(StoredVersion v) {
        insert("INSERT INTO runtime_versions (runtime_id, version, status, failure_reason, config, launch, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                v.runtimeId(), v.version(), v.status(), v.failureReason().orElse(null), v.config(),
                v.launch().orElse(null), v.createdAt().toString());
    }

    public void updateVersion(StoredVersion v) {
        update("UPDATE runtime_versions SET status = ?, failure_reason = ?, launch = ? WHERE runtime_id = ? AND version = ?",
                v.status(), v.failureReason().orElse(null), v.launch().orElse(null), v.runtimeId(), v.version());
    }

    public Optional<StoredVersion> version(String runtimeId, int version) {
        return one("SELECT * FROM runtime_versions WHERE runtime_id = ? AND version = ?", Transaction::version,
                runtimeId, version);
    }

    /** Versions newest first, below {@code beforeVersion}, at most {@code limit}. */
    public List<StoredVersion> versions(String runtimeId, int beforeVersion, int limit) {
        return many("SELECT * FROM runtime_versions WHERE runtime_id = ? AND version < ? ORDER BY version DESC LIMIT ?",
                Transaction::version, runtimeId, beforeVersion, limit);
    }

    /** Versions in a given status across all runtimes: start-up resumes the ones a crash interrupted. */
    public List<StoredVersion> versionsIn(String status) {
        return many("SELECT * FROM runtime_versions WHERE status = ? ORDER BY runtime_id, version", Transaction::version,
                status);
    }

    public long versionCount(String runtimeId) {
        return count("SELECT COUNT(*) FROM runtime_versions WHERE runtime_id = ?", runtimeId);
    }

    public void deleteVersion(String runtimeId, int version) {
        update("DELETE FROM runtime_versions WHERE runtime_id = ? AND version = ?", runtimeId, version);
    }

    // ---- endpoints

    public StoredEndpoint insertEndpoint(StoredEndpoint e) {
        long seq = insert("INSERT INTO endpoints (runtime_id, name, id, description, live_version, target_version, status,"
                        + " failure_reason, created_at, last_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.runtimeId(), e.name(), e.id(), e.description().orElse(null), liveVersion(e), e.targetVersion(),
                e.status(), e.failureReason().orElse(null), e.createdAt().toString(), e.lastUpdatedAt().toString());
        return new StoredEndpoint(seq, e.runtimeId(), e.name(), e.id(), e.description(), e.liveVersion(),
                e.targetVersion(), e.status(), e.failureReason(), e.createdAt(), e.lastUpdatedAt());
    }

    public void updateEndpoint(StoredEndpoint e) {
        update("UPDATE endpoints SET description = ?, live_version = ?, target_version = ?, status = ?, failure_reason = ?,"
                        + " last_updated_at = ? WHERE runtime_id = ? AND name = ?",
                e.description().orElse(null), liveVersion(e), e.targetVersion(), e.status(),
                e.failureReason().orElse(null), e.lastUpdatedAt().toString(), e.runtimeId(), e.name());
    }

    public Optional<StoredEndpoint> endpoint(String runtimeId, String name) {
        return one("SELECT * FROM endpoints WHERE runtime_id = ? AND name = ?", Transaction::endpoint, runtimeId, name);
    }

    /** Endpoints of a runtime in creation order after {@code afterSeq}, at most {@code limit}. */
    public List<StoredEndpoint> endpoints(String runtimeId, long afterSeq, int limit) {
        return many("SELECT * FROM endpoints WHERE runtime_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                Transaction::endpoint, runtimeId, afterSeq, limit);
    }

    public long endpointCount(String runtimeId) {
        return count("SELECT COUNT(*) FROM endpoints WHERE runtime_id = ?", runtimeId);
    }

    /** Every endpoint that serves a version now, across all runtimes. */
    public List<StoredEndpoint> liveEndpoints() {
        return many("SELECT * FROM endpoints WHERE live_version IS NOT NULL ORDER BY runtime_id, seq", Transaction::endpoint);
    }

    public void deleteEndpoint(String runtimeId, String name) {
        update("DELETE FROM endpoints WHERE runtime_id = ? AND name = ?", runtimeId, name);
    }

    // ---- warm pools

    public void savePool(StoredPool pool) {
        update("INSERT OR REPLACE INTO warm_pools (runtime_id, endpoint_name, config, updated_at) VALUES (?, ?, ?, ?)",
                pool.runtimeId(), pool.endpointName(), pool.config(), pool.updatedAt().toString());
    }

    public List<StoredPool> pools() {
        return many("SELECT * FROM warm_pools ORDER BY runtime_id, endpoint_name", rs -> new StoredPool(
                rs.getString("runtime_id"), rs.getString("endpoint_name"), rs.getString("config"),
                Instant.parse(rs.getString("updated_at"))));
    }

    public void deletePool(String runtimeId, String endpointName) {
        update("DELETE FROM warm_pools WHERE runtime_id = ? AND endpoint_name = ?", runtimeId, endpointName);
    }

    // ---- access keys

    /** Inserts the key, or replaces the one with its id. */
    public void saveAccessKey(StoredAccessKey key) {
        update("INSERT OR REPLACE INTO access_keys (id, tenant, secret, enabled, created_at, description)"
                + " VALUES (?, ?, ?, ?, ?, ?)", key.id(), key.tenant(), key.sealedSecret(), key.enabled() ? 1 : 0,
                key.createdAt().toString(), key.description());
    }

    public Optional<StoredAccessKey> accessKey(String id) {
        return one("SELECT * FROM access_keys WHERE id = ?", Transaction::accessKey, id);
    }

    public List<StoredAccessKey> accessKeys() {
        return many("SELECT * FROM access_keys ORDER BY created_at, id", Transaction::accessKey);
    }

    public void deleteAccessKey(String id) {
        update("DELETE FROM access_keys WHERE id = ?", id);
    }

    // ---- tenant quotas

    /** Inserts the tenant's limits, or replaces its earlier ones. */
    public void saveTenantQuotas(StoredTenantQuotas q) {
        update("INSERT OR REPLACE INTO tenant_quotas (tenant, max_active_sessions, max_agents, max_versions_per_agent,"
                + " max_endpoints_per_agent, max_invocations_per_second, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                q.tenant(), boxed(q.maxActiveSessions()), boxed(q.maxAgents()), boxed(q.maxVersionsPerAgent()),
                boxed(q.maxEndpointsPerAgent()), boxed(q.maxInvocationsPerSecond()), q.updatedAt().toString());
    }

    public Optional<StoredTenantQuotas> tenantQuotas(String tenant) {
        return one("SELECT * FROM tenant_quotas WHERE tenant = ?", Transaction::tenantQuotas, tenant);
    }

    public List<StoredTenantQuotas> allTenantQuotas() {
        return many("SELECT * FROM tenant_quotas ORDER BY tenant", Transaction::tenantQuotas);
    }

    public void deleteTenantQuotas(String tenant) {
        update("DELETE FROM tenant_quotas WHERE tenant = ?", tenant);
    }

    // ---- principal budgets

    /** Inserts the principal's budget, or replaces its earlier one. */
    public void savePrincipalBudget(StoredPrincipalBudget b) {
        update("INSERT OR REPLACE INTO principal_budgets (principal, wall_clock_seconds, cpu_seconds, invocations,"
                + " streamed_bytes, updated_at) VALUES (?, ?, ?, ?, ?, ?)", b.principal(), boxed(b.wallClockSeconds()),
                boxed(b.cpuSeconds()), boxed(b.invocations()), boxed(b.streamedBytes()), b.updatedAt().toString());
    }

    public Optional<StoredPrincipalBudget> principalBudget(String principal) {
        return one("SELECT * FROM principal_budgets WHERE principal = ?", Transaction::principalBudget, principal);
    }

    public List<StoredPrincipalBudget> principalBudgets() {
        return many("SELECT * FROM principal_budgets ORDER BY principal", Transaction::principalBudget);
    }

    public void deletePrincipalBudget(String principal) {
        update("DELETE FROM principal_budgets WHERE principal = ?", principal);
    }

    // ---- idempotent writes

    public Optional<StoredReply> reply(String operation, String clientToken) {
        return one("SELECT request_hash, response FROM idempotent_requests WHERE operation = ? AND client_token = ?",
                rs -> new StoredReply(rs.getString(1), rs.getString(2)), operation, clientToken);
    }

    /**
     * Records a token's first answer. A token already recorded fails the transaction: the caller looks the token up
     * in the same transaction first, so a second record means a retry ran twice.
     */
    public void saveReply(String operation, String clientToken, StoredReply reply, Instant at) {
        update("INSERT INTO idempotent_requests (operation, client_token, request_hash, response, created_at)"
                + " VALUES (?, ?, ?, ?, ?)", operation, clientToken, reply.requestHash(), reply.response(), at.toString());
    }

    /** Forgets replies older than {@code before}: a token only protects retries, which come within minutes. */
    public void forgetRepliesBefore(Instant before) {
        update("DELETE FROM idempotent_requests WHERE created_at < ?", before.toString());
    }

    // ---- plumbing

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static StoredRuntime runtime(ResultSet rs) throws SQLException {
        return new StoredRuntime(rs.getLong("seq"), rs.getString("id"), rs.getString("tenant"), rs.getString("name"), rs.getString("arn"),
                rs.getString("status"), Optional.ofNullable(rs.getString("failure_reason")), rs.getInt("latest_version"),
                Json.mapper().readValue(rs.getString("tags"), TAGS), Instant.parse(rs.getString("created_at")),
                Instant.parse(rs.getString("last_updated_at")));
    }

    private static StoredAccessKey accessKey(ResultSet rs) throws SQLException {
        return new StoredAccessKey(rs.getString("id"), rs.getString("tenant"), rs.getString("secret"),
                rs.getInt("enabled") != 0, Instant.parse(rs.getString("created_at")), rs.getString("description"));
    }

    private static StoredTenantQuotas tenantQuotas(ResultSet rs) throws SQLException {
        return new StoredTenantQuotas(rs.getString("tenant"), optionalInt(rs, "max_active_sessions"),
                optionalInt(rs, "max_agents"), optionalInt(rs, "max_versions_per_agent"),
                optionalInt(rs, "max_endpoints_per_agent"), optionalInt(rs, "max_invocations_per_second"),
                Instant.parse(rs.getString("updated_at")));
    }

    private static StoredPrincipalBudget principalBudget(ResultSet rs) throws SQLException {
        return new StoredPrincipalBudget(rs.getString("principal"), optionalLong(rs, "wall_clock_seconds"),
                optionalLong(rs, "cpu_seconds"), optionalLong(rs, "invocations"), optionalLong(rs, "streamed_bytes"),
                Instant.parse(rs.getString("updated_at")));
    }

    private static OptionalLong optionalLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static OptionalInt optionalInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static Integer boxed(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    private static StoredVersion version(ResultSet rs) throws SQLException {
        return new StoredVersion(rs.getString("runtime_id"), rs.getInt("version"), rs.getString("status"),
                Optional.ofNullable(rs.getString("failure_reason")), rs.getString("config"),
                Optional.ofNullable(rs.getString("launch")), Instant.parse(rs.getString("created_at")));
    }

    private static StoredEndpoint endpoint(ResultSet rs) throws SQLException {
        int live = rs.getInt("live_version");
        OptionalInt liveVersion = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(live);
        return new StoredEndpoint(rs.getLong("seq"), rs.getString("runtime_id"), rs.getString("name"), rs.getString("id"),
                Optional.ofNullable(rs.getString("description")), liveVersion, rs.getInt("target_version"),
                rs.getString("status"), Optional.ofNullable(rs.getString("failure_reason")),
                Instant.parse(rs.getString("created_at")), Instant.parse(rs.getString("last_updated_at")));
    }

    private static Integer liveVersion(StoredEndpoint e) {
        return e.liveVersion().isPresent() ? e.liveVersion().getAsInt() : null;
    }

    private long count(String sql, Object... args) {
        return many(sql, rs -> rs.getLong(1), args).getFirst();
    }

    private <T> Optional<T> one(String sql, Row<T> row, Object... args) {
        List<T> rows = many(sql, row, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private <T> List<T> many(String sql, Row<T> row, Object... args) {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rs = statement.executeQuery()) {
            var rows = new ArrayList<T>();
            while (rs.next()) {
                rows.add(row.read(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement statement = prepare(sql, args)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    private long insert(String sql, Object... args) {
        try (PreparedStatement statement = prepare(sql, args)) {
            statement.executeUpdate();
            try (var keys = statement.getGeneratedKeys()) {
                return keys.next() ? keys.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                statement.setNull(i + 1, Types.NULL);
            } else {
                statement.setObject(i + 1, args[i]);
            }
        }
        return statement;
    }

    private static StoreException failed(String sql, SQLException e) {
        return new StoreException("statement failed: " + sql + ": " + e.getMessage(), e);
    }
}
