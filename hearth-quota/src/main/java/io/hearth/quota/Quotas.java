package io.hearth.quota;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.Deployment;
import io.hearth.deployment.HearthTags;
import io.hearth.launcher.SandboxSizing;
import io.hearth.quota.internal.ColdStartGate;
import io.hearth.quota.internal.Counted;
import io.hearth.quota.internal.RateLimiters;
import io.hearth.quota.internal.SandboxSlots;
import io.hearth.sandbox.SandboxDriver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every limit of one node, in one place. Rates ({@link #checkInvocation}, {@link #checkNewSession}) never wait and
 * answer 429; counted limits ({@link #admitSession}, the live-sandbox cap of {@link #admitting}) never wait and
 * answer 402; the cold-start gate ({@link #admitColdStart}) waits briefly for a turn, then answers 429.
 * Refusals are counted by kind; what is held is visible in {@link #snapshot()} and the metrics.
 */
public final class Quotas {
    private final QuotaSettings settings;
    private final RateLimiters<EndpointKey> invocations;
    private final RateLimiters<EndpointKey> newSessions;
    private final Counted<String> activeSessions = new Counted<>();
    private final Counted<String> principalSessions = new Counted<>();
    private final RateLimiters<String> principalInvocations;
    private final SandboxSlots sandboxes;
    private final ColdStartGate coldStarts;
    private final Map<QuotaKind, AtomicLong> refusals = new EnumMap<>(QuotaKind.class);
    private final Map<String, Boolean> tenantGauges = new ConcurrentHashMap<>();
    private final Map<String, TenantLimits> tenantLimits = new ConcurrentHashMap<>();
    private final RateLimiters<String> tenantInvocations;
    private volatile Optional<MeterRegistry> meters = Optional.empty();

    /** A principal's rate bucket, once full, is dropped after this long unused. */
    static final Duration PRINCIPAL_BUCKET_IDLE = Duration.ofMinutes(5);
    /** The most principals' rate buckets held; past it, the longest idle are dropped. */
    static final int MAX_PRINCIPAL_BUCKETS = 100_000;

    public Quotas(QuotaSettings settings, NodeMemory memory) {
        this(settings, memory, System::nanoTime);
    }

    public Quotas(QuotaSettings settings, NodeMemory memory, LongSupplier nanoClock) {
        this.settings = requireNonNull(settings, "settings");
        requireNonNull(memory, "memory");
        this.invocations = new RateLimiters<>(nanoClock);
        this.newSessions = new RateLimiters<>(nanoClock);
        // Principals come and go (a user id is the caller's to choose): their idle buckets are forgotten.
        this.principalInvocations = RateLimiters.evicting(nanoClock, PRINCIPAL_BUCKET_IDLE, MAX_PRINCIPAL_BUCKETS);
        this.tenantInvocations = new RateLimiters<>(nanoClock);
        long left = Math.max(0, memory.availableBytes() - settings.memoryReserveBytes());
        long budget = (long) Math.min(Long.MAX_VALUE / 2.0, left * settings.memoryOvercommit());
        String origin = "MemAvailable " + (memory.availableBytes() >> 20) + " MiB at start, less a reserve of "
                + (settings.memoryReserveBytes() >> 20) + " MiB, times an overcommit of " + settings.memoryOvercommit();
        this.sandboxes = new SandboxSlots(settings.maxSandboxes(), budget, origin);
        this.coldStarts = new ColdStartGate(settings.maxColdStarts(), settings.coldStartQueue(), settings.coldStartWait());
        for (QuotaKind kind : QuotaKind.values()) {
            refusals.put(kind, new AtomicLong());
        }
    }

    /** Nothing is refused in practice: for components used on their own. */
    public static Quotas unlimited() {
        return new Quotas(QuotaSettings.UNLIMITED, new NodeMemory(1L << 40, 1L << 40));
    }

    public QuotaSettings settings() {
        return settings;
    }

    /**
     * Takes one InvokeAgentRuntime token for the caller's endpoint; never waits.
     *
     * @throws QuotaRefusal.Throttled when the endpoint's rate is used up
     */
    public void checkInvocation(Caller caller, Deployment deployment) {
        checkTenantInvocation(caller.tenant());
        if (caller.principal().isPresent() && settings.invocationsPerPrincipal().isPresent()) {
            RateLimit own = settings.invocationsPerPrincipal().get();
            if (!principalInvocations.tryTake(caller.principal().get(), own)) {
                throw count(new QuotaRefusal.Throttled(QuotaKind.PRINCIPAL_INVOCATION_RATE, "Rate exceeded: a caller"
                        + " of account " + caller.tenant() + " makes at most " + own.describe()
                        + " InvokeAgentRuntime calls (--invocations-per-principal)"));
            }
        }
        var key = EndpointKey.of(caller, deployment);
        RateLimit limit = invocationLimit(deployment.settings());
        if (!invocations.tryTake(key, limit)) {
            throw count(new QuotaRefusal.Throttled(QuotaKind.INVOCATION_RATE, "Rate exceeded: " + key.describe()
                    + " takes at most " + limit.describe() + " InvokeAgentRuntime calls (raise it with --invocations-per-second"
                    + " or the runtime tag " + HearthTags.QUOTA_INVOCATIONS_PER_SECOND + ")"));
        }
    }

    /**
     * Takes one new-session token for the caller's endpoint; never waits.
     *
     * @throws QuotaRefusal.Throttled when the endpoint's rate of new sessions is used up
     */
    public void checkNewSession(Caller caller, Deployment deployment) {
        var key = EndpointKey.of(caller, deployment);
        RateLimit limit = newSessionLimit(deployment.settings());
        if (!newSessions.tryTake(key, limit)) {
            throw count(new QuotaRefusal.Throttled(QuotaKind.NEW_SESSION_RATE, "Rate exceeded: " + key.describe()
                    + " starts at most " + limit.describe() + " new sessions (raise it with --new-sessions-per-minute"
                    + " or the runtime tag " + HearthTags.QUOTA_NEW_SESSIONS_PER_MINUTE + ")"));
        }
    }

    /**
     * One live session of the caller's tenant, held until the lease is closed (when the session ends).
     *
     * @throws QuotaRefusal.Exceeded when the tenant holds its limit already
     */
    public Lease admitSession(Caller caller) {
        Lease own = admitPrincipalSession(caller);
        int limit = activeSessionsLimit(caller.tenant());
        registerTenant(caller.tenant());
        Lease tenant;
        try {
            tenant = activeSessions.acquire(caller.tenant(), limit, held -> new QuotaRefusal.Exceeded(QuotaKind.ACTIVE_SESSIONS,
                    "maxVms limit exceeded: account " + caller.tenant() + " has " + held + " of at most " + limit
                            + " active sessions (" + (tenantLimits(caller.tenant()).activeSessions().isPresent()
                            ? "the tenant's " + TenantLimits.ACTIVE_SESSIONS : "--max-active-sessions")
                            + "); retry once a session ends"));
        } catch (QuotaRefusal e) {
            own.close();
            throw count(e);
        }
        return () -> {
            tenant.close();
            own.close();
        };
    }

    /**
     * Replaces the tenant's own limits (an empty set removes them); the next request sees them. Sessions already held
     * beyond a lowered limit go on; new ones wait until the tenant is under it.
     */
    public void setTenantLimits(String tenant, TenantLimits limits) {
        requireNonNull(tenant, "tenant");
        requireNonNull(limits, "limits");
        if (limits.isEmpty()) {
            tenantLimits.remove(tenant);
        } else {
            tenantLimits.put(tenant, limits);
            registerTenant(tenant);
        }
        // A changed rate starts from a full bucket of the new size rather than the old one's leftovers.
        tenantInvocations.removeIf(tenant::equals);
    }

    /** The tenant's own limits; {@link TenantLimits#NONE} when the server-wide ones apply. */
    public TenantLimits tenantLimits(String tenant) {
        return tenantLimits.getOrDefault(tenant, TenantLimits.NONE);
    }

    /** Every tenant with limits of its own. */
    public Map<String, TenantLimits> allTenantLimits() {
        return Map.copyOf(tenantLimits);
    }

    /** The active sessions the tenant may hold: its own limit, or the server's. */
    public int activeSessionsLimit(String tenant) {
        return tenantLimits(tenant).activeSessions().orElse(settings.activeSessionsPerTenant());
    }

    private void checkTenantInvocation(String tenant) {
        OptionalInt perSecond = tenantLimits(tenant).invocationsPerSecond();
        if (perSecond.isEmpty()) {
            return;
        }
        int permits = perSecond.getAsInt();
        if (permits == 0 || !tenantInvocations.tryTake(tenant, RateLimit.perSecond(permits, permits))) {
            throw count(new QuotaRefusal.Throttled(QuotaKind.TENANT_INVOCATION_RATE, "Rate exceeded: account " + tenant
                    + " makes at most " + permits + " InvokeAgentRuntime calls per second across its endpoints (the"
                    + " tenant's " + TenantLimits.INVOCATIONS_PER_SECOND + ")"));
        }
    }

    /** One live session of the caller's principal, when a per-principal limit is set and the principal known. */
    private Lease admitPrincipalSession(Caller caller) {
        if (caller.principal().isEmpty() || settings.liveSessionsPerPrincipal().isEmpty()) {
            return Lease.NONE;
        }
        int limit = settings.liveSessionsPerPrincipal().getAsInt();
        try {
            return principalSessions.acquire(caller.principal().get(), limit, held -> new QuotaRefusal.Exceeded(
                    QuotaKind.PRINCIPAL_SESSIONS, "Live sessions limit exceeded: a caller of account " + caller.tenant()
                            + " has " + held + " of at most " + limit
                            + " live sessions (--max-sessions-per-principal); retry once one of its sessions ends"));
        } catch (QuotaRefusal e) {
            throw count(e);
        }
    }

    /**
     * Refuses at once, reserving nothing, when a sandbox for the deployment would not fit on this node now: so a
     * cold start that cannot run is not queued for a turn first.
     *
     * @throws QuotaRefusal.Exceeded when the node is full
     */
    public void checkSandboxRoom(Deployment deployment) {
        try {
            sandboxes.check(memoryOf(deployment));
        } catch (QuotaRefusal e) {
            throw count(e);
        }
    }

    /**
     * A turn to cold-start a sandbox, waiting at most the configured while; close the lease once the agent is ready
     * or the start failed.
     *
     * @throws QuotaRefusal.Throttled when too many cold starts are under way and waiting
     */
    public Lease admitColdStart() {
        try {
            return coldStarts.acquire();
        } catch (QuotaRefusal e) {
            throw count(e);
        }
    }

    /**
     * The driver, counting every sandbox it starts against the node's live-sandbox cap until that sandbox ends:
     * sessions' and pools' alike, so a pooled sandbox is a live one and a claim adds none.
     */
    public SandboxDriver admitting(SandboxDriver driver) {
        return new AdmittingDriver(driver, this);
    }

    /** Takes a live-sandbox slot of that memory limit; the lease is closed when the sandbox ends. */
    Lease admitSandbox(long memoryBytes) {
        try {
            return sandboxes.acquire(memoryBytes);
        } catch (QuotaRefusal e) {
            throw count(e);
        }
    }

    /** Forgets a deleted runtime's buckets. */
    /** How many principals' rate buckets are held. */
    int principalRateBuckets() {
        return principalInvocations.size();
    }

    public void forgetRuntime(String runtimeId) {
        invocations.removeIf(k -> k.runtimeId().equals(runtimeId));
        newSessions.removeIf(k -> k.runtimeId().equals(runtimeId));
    }

    public RateLimit invocationLimit(HearthTags tags) {
        return override(settings.invocations(), tags.quotaInvocationsPerSecond(), tags.quotaInvocationBurst());
    }

    public RateLimit newSessionLimit(HearthTags tags) {
        return override(settings.newSessions(), tags.quotaNewSessionsPerMinute(), tags.quotaNewSessionBurst());
    }

    public int liveSandboxes() {
        return sandboxes.live();
    }

    public long refusals(QuotaKind kind) {
        return refusals.get(kind).get();
    }

    /** What is held, what may be, and what was refused: the quotas API's answer. */
    public QuotaSnapshot snapshot() {
        var endpoints = new ArrayList<QuotaSnapshot.Endpoint>();
        invocations.all().forEach((key, limited) -> endpoints.add(new QuotaSnapshot.Endpoint(key, "invocations",
                limited.limit(), limited.bucket().available())));
        newSessions.all().forEach((key, limited) -> endpoints.add(new QuotaSnapshot.Endpoint(key, "newSessions",
                limited.limit(), limited.bucket().available())));
        endpoints.sort(Comparator.comparing((QuotaSnapshot.Endpoint e) -> e.key().runtimeId())
                .thenComparing(e -> e.key().endpointName()).thenComparing(QuotaSnapshot.Endpoint::rate));
        var held = activeSessions.all();
        tenantLimits.keySet().forEach(t -> held.putIfAbsent(t, 0));
        var tenants = held.entrySet().stream()
                .map(e -> new QuotaSnapshot.Tenant(e.getKey(), e.getValue(), activeSessionsLimit(e.getKey()),
                        tenantLimits(e.getKey())))
                .sorted(Comparator.comparing(QuotaSnapshot.Tenant::tenant))
                .toList();
        var refused = new EnumMap<QuotaKind, Long>(QuotaKind.class);
        refusals.forEach((k, v) -> refused.put(k, v.get()));
        var node = new QuotaSnapshot.Node(sandboxes.live(), settings.maxSandboxes(), sandboxes.committedBytes(),
                sandboxes.maxCount().isPresent() ? OptionalLong.empty() : OptionalLong.of(sandboxes.memoryBudget()),
                coldStarts.running(), coldStarts.waiting(), coldStarts.max(), coldStarts.queue());
        return new QuotaSnapshot(node, tenants, endpoints, refused);
    }

    /** Publishes the counts, caps and refusals: {@code hearth_quota_*}. */
    public void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        Gauge.builder("hearth.quota.sandboxes.live", sandboxes, SandboxSlots::live)
                .description("Live sandboxes on this node, pooled ones included").register(registry);
        Gauge.builder("hearth.quota.sandboxes.max", sandboxes, s -> s.maxCount().isPresent() ? s.maxCount().getAsInt() : Double.NaN)
                .description("The explicit cap on live sandboxes (--max-sandboxes); NaN when derived from memory").register(registry);
        Gauge.builder("hearth.quota.sandbox.memory.committed", sandboxes, SandboxSlots::committedBytes).baseUnit("bytes")
                .description("The live sandboxes' memory limits, added up").register(registry);
        Gauge.builder("hearth.quota.sandbox.memory.budget", sandboxes, s -> s.maxCount().isPresent() ? Double.NaN : s.memoryBudget())
                .baseUnit("bytes").description("What the live sandboxes' memory limits may add up to").register(registry);
        Gauge.builder("hearth.quota.cold.starts.running", coldStarts, ColdStartGate::running)
                .description("Cold starts under way").register(registry);
        Gauge.builder("hearth.quota.cold.starts.waiting", coldStarts, ColdStartGate::waiting)
                .description("Cold starts waiting for a turn").register(registry);
        Gauge.builder("hearth.quota.cold.starts.max", coldStarts, ColdStartGate::max)
                .description("Cold starts allowed at once (--max-cold-starts)").register(registry);
        Gauge.builder("hearth.quota.sessions.max", settings, QuotaSettings::activeSessionsPerTenant)
                .description("Active sessions allowed per tenant (--max-active-sessions)").register(registry);
        Gauge.builder("hearth.quota.invocations.rate", settings, s -> s.invocations().permits())
                .description("Default InvokeAgentRuntime calls per second per endpoint").register(registry);
        Gauge.builder("hearth.quota.new.sessions.rate", settings, s -> s.newSessions().permits())
                .description("Default new sessions per minute per endpoint").register(registry);
        for (QuotaKind kind : QuotaKind.values()) {
            AtomicLong count = refusals.get(kind);
            FunctionCounter.builder("hearth.quota.refusals", count, AtomicLong::get)
                    .description("Requests refused by a quota").tag("kind", kind.wireName()).register(registry);
        }
        meters = Optional.of(registry);
        tenantGauges.keySet().forEach(t -> tenantGauge(registry, t));
    }

    private void registerTenant(String tenant) {
        if (tenantGauges.putIfAbsent(tenant, Boolean.TRUE) == null) {
            meters.ifPresent(m -> tenantGauge(m, tenant));
        }
    }

    private void tenantGauge(MeterRegistry registry, String tenant) {
        Gauge.builder("hearth.quota.sessions.active", activeSessions, c -> c.held(tenant))
                .description("Live sessions per tenant").tag("tenant", tenant).register(registry);
        Gauge.builder("hearth.quota.tenant.sessions.max", this, q -> q.activeSessionsLimit(tenant))
                .description("Active sessions the tenant may hold: its own limit, or the server's").tag("tenant", tenant)
                .register(registry);
        Gauge.builder("hearth.quota.tenant.invocations.rate", this,
                        q -> q.tenantLimits(tenant).invocationsPerSecond().isPresent()
                                ? q.tenantLimits(tenant).invocationsPerSecond().getAsInt() : Double.NaN)
                .description("The tenant's InvokeAgentRuntime calls per second across its endpoints; NaN when only the"
                        + " endpoints' rates apply").tag("tenant", tenant).register(registry);
    }

    private <E extends QuotaRefusal> E count(E refusal) {
        refusals.get(refusal.kind()).incrementAndGet();
        return refusal;
    }

    private static long memoryOf(Deployment deployment) {
        try {
            return SandboxSizing.limits(deployment.settings()).memoryBytes();
        } catch (IllegalArgumentException e) {
            return 0; // the start itself refuses a size that makes no sense, and says why
        }
    }

    private static RateLimit override(RateLimit server, OptionalInt permits, OptionalInt burst) {
        RateLimit limit = permits.isPresent() ? server.withPermits(permits.getAsInt()) : server;
        return burst.isPresent() ? limit.withBurst(burst.getAsInt()) : limit;
    }
}
