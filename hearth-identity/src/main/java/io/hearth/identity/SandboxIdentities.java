package io.hearth.identity;

import static java.util.Objects.requireNonNull;

import io.hearth.deployment.AgentIdentity;
import io.hearth.sandbox.MetadataRoute;
import java.util.Map;
import java.util.Optional;

/** Tells Hearth's metadata service which sandbox runs as which role, from before the agent starts until it ends. */
public interface SandboxIdentities {

    /** Serves nobody: agents get no AWS credentials from Hearth. */
    SandboxIdentities NONE = (sandboxId, identity, hostNetwork) -> Registration.NONE;

    /**
     * @param hostNetwork whether the sandbox shares the host's network (the process driver): then it cannot be told
     *                    apart by source address, and gets a container credentials URL and token of its own instead
     */
    Registration register(String sandboxId, AgentIdentity identity, boolean hostNetwork);

    /**
     * One sandbox's registration.
     *
     * @param environment variables the agent needs to find its credentials (the container credentials provider's)
     * @param route       where the driver sends the sandbox's {@code 169.254.169.254:80}
     * @param forget      ends the registration; idempotent
     */
    record Registration(Map<String, String> environment, Optional<MetadataRoute> route, Runnable forget) {
        public static final Registration NONE = new Registration(Map.of(), Optional.empty(), () -> {});

        public Registration {
            environment = Map.copyOf(environment);
            requireNonNull(route, "route");
            requireNonNull(forget, "forget");
        }
    }
}
