package io.hearth.image;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** An OCI platform: {@code os/architecture[/variant]} in Go's names ({@code linux/amd64}, {@code linux/arm64/v8}). */
public record Platform(String os, String architecture, String variant) {
    public Platform {
        requireNonNull(os, "os");
        requireNonNull(architecture, "architecture");
        requireNonNull(variant, "variant");
        if (os.isEmpty() || architecture.isEmpty()) {
            throw new IllegalArgumentException("platform: " + os + "/" + architecture
                    + " (expected: non-empty os and architecture)");
        }
    }

    /** The platform this JVM runs on, with {@code os.arch} in Go's names. */
    public static Platform host() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String goArch = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> arch;
        };
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux") ? "linux"
                : System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return new Platform(os, goArch, goArch.equals("arm64") ? "v8" : "");
    }

    /** Whether an image built for {@code other} runs here: same os and architecture, the variant when both say. */
    public boolean runs(Platform other) {
        if (!os.equals(other.os) || !architecture.equals(other.architecture)) {
            return false;
        }
        return variant.isEmpty() || other.variant.isEmpty() || variant.equals(other.variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
