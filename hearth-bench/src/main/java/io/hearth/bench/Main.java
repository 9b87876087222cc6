package io.hearth.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code ./hearth bench [--smoke] [--out DIR] [--only warm,payload,sse,cold,density,pool,commands,websocket,images]}: runs the bench, prints
 * progress on stderr and the table on stdout, and writes {@code <date>.md|.json|.png} to {@code bench/results}
 * (smoke runs: {@code bench/smoke}, so they never replace a real result).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // Interrupted (Ctrl-C, SIGTERM) mid-run, the agents, nginx and the SSE client it started must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "bench-cleanup"));
        Path home = Path.of(System.getProperty("hearth.home", ".")).toAbsolutePath().normalize();
        boolean smoke = false;
        Path out = null;
        EnumSet<Section> only = EnumSet.allOf(Section.class);
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            switch (arg) {
                case "--smoke" -> smoke = true;
                case "--out" -> out = Path.of(value(rest, arg)).toAbsolutePath();
                case "--only" -> {
                    only = EnumSet.noneOf(Section.class);
                    for (String key : value(rest, arg).split(",")) {
                        only.add(Section.byKey(key.trim()));
                    }
                }
                case "-h", "--help" -> {
                    System.out.println("usage: ./hearth bench [--smoke] [--out DIR] [--only warm,payload,sse,cold,density,pool,commands,websocket,images]");
                    return;
                }
                default -> throw new IllegalArgumentException("argument: " + arg
                        + " (expected: --smoke, --out DIR or --only warm,payload,sse,cold,density,pool,commands,websocket,images)");
            }
        }
        Path dir = out != null ? out : home.resolve(smoke ? "bench/smoke" : "bench/results");
        BenchConfig config = (smoke ? BenchConfig.smoke(home, dir) : BenchConfig.full(home, dir)).withSections(only);

        BenchReport report = Bench.run(config, System.err);
        List<Path> written = Bench.write(report, config.outputDir());
        System.out.println();
        System.out.println("Hearth bench, " + report.date() + " (" + report.mode() + "), " + report.machineLine());
        if (report.loadedMachine()) {
            System.out.println("loaded machine: " + report.machine().get("loadedBecause") + "; these figures are noisier than a quiet run's");
        }
        System.out.println();
        System.out.print(Bench.table(report));
        System.out.println();
        System.out.println("summary: " + Bench.summary(report));
        written.forEach(p -> System.out.println("wrote " + (p.toAbsolutePath().startsWith(home) ? home.relativize(p.toAbsolutePath()) : p)));
        if (!report.errors().isEmpty()) {
            System.err.println("bench: " + report.errors().size() + " measurement(s) failed: " + report.errors());
            System.exit(1);
        }
        // Agents, clients and servers are closed by now; halting skips waiting on stray non-daemon threads of libraries.
        System.exit(0);
    }

    private static String value(List<String> rest, String option) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return rest.removeFirst();
    }
}
