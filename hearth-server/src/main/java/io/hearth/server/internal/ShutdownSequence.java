package io.hearth.server.internal;

import static java.util.Objects.requireNonNull;

import io.hearth.api.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shutdown steps in order within one overall deadline. Each step gets its share of the deadline plus whatever
 * earlier steps left unused; a step that overruns is left running and the next one starts, so one stuck step costs
 * at most its share and never the steps that clean up after it (the sandbox drivers stop whatever still runs).
 */
public final class ShutdownSequence {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);
    private static final Duration MIN_STEP = Duration.ofMillis(100);

    /** One step: {@code action} receives the time it may take. */
    public record Step(String name, double share, StepAction action) {
        public Step {
            requireNonNull(name, "name");
            requireNonNull(action, "action");
            if (!(share > 0)) {
                throw new IllegalArgumentException("share: " + share + " (expected: more than 0)");
            }
        }
    }

    @FunctionalInterface
    public interface StepAction {
        void run(Duration budget) throws Exception;
    }

    private final Duration grace;
    private final List<Step> steps = new ArrayList<>();

    public ShutdownSequence(Duration grace) {
        this.grace = requireNonNull(grace, "grace");
    }

    public ShutdownSequence then(String name, double share, StepAction action) {
        steps.add(new Step(name, share, action));
        return this;
    }

    /** Runs every step; returns whether all finished within their budgets. */
    public boolean run() {
        double total = steps.stream().mapToDouble(Step::share).sum();
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        // Steps that overrun keep their thread; there are never more of them than steps.
        Workers threads = Workers.bounded("hearth-shutdown", Math.max(1, steps.size()), 0);
        boolean clean = true;
        double later = total;
        for (Step step : steps) {
            later -= step.share();
            long reservedForLater = (long) (grace.toNanos() * (later / total));
            Duration budget = Duration.ofNanos(Math.max(MIN_STEP.toNanos(), deadline - reservedForLater - System.nanoTime()));
            clean &= run(threads, step, budget);
        }
        threads.shutdown(); // overrunning steps finish, or end with the JVM
        LOG.info("shutdown took {} ms{}", Duration.ofNanos(System.nanoTime() - start).toMillis(),
                clean ? "" : " (some steps overran their share and were left behind)");
        return clean;
    }

    private static boolean run(Workers threads, Step step, Duration budget) {
        Future<?> running;
        try {
            running = threads.submit(() -> {
                step.action().run(budget);
                return null;
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("shutdown step {} could not start: {}", step.name(), e.getMessage());
            return false;
        }
        try {
            running.get(budget.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.warn("shutdown step {} did not finish within its {} ms; going on", step.name(), budget.toMillis());
            return false;
        } catch (ExecutionException e) {
            LOG.warn("shutdown step {} failed", step.name(), e.getCause());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
