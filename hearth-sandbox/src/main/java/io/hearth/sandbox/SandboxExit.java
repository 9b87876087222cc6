package io.hearth.sandbox;

/** Why a sandbox ended. The session manager turns it into the session's end reason. */
public sealed interface SandboxExit {

    /** A short word for APIs and metrics: {@code exited}, {@code signalled}, {@code oom}, {@code stopped}. */
    String reason();

    /** A sentence for humans. */
    String detail();

    record Exited(int code) implements SandboxExit {
        public String reason() {
            return "exited";
        }

        public String detail() {
            return "the agent exited with code " + code;
        }
    }

    record Signalled(int signal) implements SandboxExit {
        public String reason() {
            return "signalled";
        }

        public String detail() {
            return "the agent was killed by signal " + signal;
        }
    }

    record OutOfMemory(long limitBytes) implements SandboxExit {
        public String reason() {
            return "oom";
        }

        public String detail() {
            return "the agent exceeded its memory limit of " + (limitBytes >> 20) + " MiB and was killed";
        }
    }

    record Stopped() implements SandboxExit {
        public String reason() {
            return "stopped";
        }

        public String detail() {
            return "the sandbox was stopped by Hearth";
        }
    }
}
