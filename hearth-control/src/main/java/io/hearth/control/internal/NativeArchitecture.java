package io.hearth.control.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Native libraries an artifact carries must be built for this host: AgentCore runs arm64, so a zip built for it
 * (pip's {@code --platform manylinux2014_aarch64}) carries aarch64 {@code .so} files that would fail at import, deep
 * in the agent's start. Each shared object's ELF header names its machine; a mismatch fails the version with the
 * file's name instead.
 */
final class NativeArchitecture {
    private static final Map<Integer, String> MACHINES = Map.of(3, "x86", 40, "arm", 62, "x86_64", 183, "aarch64",
            243, "riscv64", 21, "ppc64", 22, "s390x");
    private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};

    private NativeArchitecture() {}

    static void check(Path code, String location) throws IOException {
        String host = hostMachine();
        List<Path> libraries;
        try (Stream<Path> paths = Files.walk(code)) {
            libraries = paths.filter(p -> isSharedObject(p.getFileName().toString()) && Files.isRegularFile(p)).toList();
        }
        for (Path library : libraries) {
            Optional<String> machine = machine(library);
            if (machine.isPresent() && !machine.get().equals(host)) {
                throw new ArtifactException("artifact " + location + ": " + code.relativize(library) + " is a native "
                        + "library for " + machine.get() + ", and this host runs " + host + " (expected: dependencies "
                        + "built for " + host + ", for example pip install --platform manylinux2014_" + host
                        + " --only-binary=:all:)");
            }
        }
    }

    private static boolean isSharedObject(String name) {
        return name.endsWith(".so") || name.contains(".so.") || name.endsWith(".node");
    }

    private static Optional<String> machine(Path file) throws IOException {
        byte[] header;
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes(20);
        }
        if (header.length < 20 || header[0] != ELF[0] || header[1] != ELF[1] || header[2] != ELF[2] || header[3] != ELF[3]) {
            return Optional.empty();
        }
        ByteOrder order = header[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int machine = Short.toUnsignedInt(ByteBuffer.wrap(header).order(order).getShort(18));
        return Optional.of(MACHINES.getOrDefault(machine, "machine " + machine));
    }

    private static String hostMachine() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case String other -> other;
        };
    }
}
