package io.hearth.session;

import io.hearth.sandbox.ReclaimReport;
import io.hearth.sandbox.Sandbox;
import io.hearth.sandbox.SandboxDriver;
import io.hearth.sandbox.SandboxSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** A test double of the driver SPI: delegates to a real driver, remembers what it started, may swap the sandbox. */
class RecordingDriver implements SandboxDriver {
    private final SandboxDriver real;
    private final UnaryOperator<Sandbox> swap;
    final List<Sandbox> started = new CopyOnWriteArrayList<>();

    RecordingDriver(SandboxDriver real, UnaryOperator<Sandbox> swap) {
        this.real = real;
        this.swap = swap;
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public String isolationSummary() {
        return real.isolationSummary();
    }

    @Override
    public Sandbox start(SandboxSpec spec) {
        Sandbox sandbox = real.start(spec);
        started.add(sandbox);
        return swap.apply(sandbox);
    }

    @Override
    public ReclaimReport reclaimLeftovers() {
        return real.reclaimLeftovers();
    }

    @Override
    public void close() {
        real.close();
    }

    boolean allStopped() {
        return started.stream().noneMatch(Sandbox::isAlive);
    }
}
