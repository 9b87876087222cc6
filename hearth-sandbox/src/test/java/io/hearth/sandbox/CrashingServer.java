package io.hearth.sandbox;

import java.nio.file.Path;

/**
 * A server stand-in for the reclaim test: opens a driver, starts one counter agent, says where it is, and waits to
 * be SIGKILLed, leaving the sandbox behind as a crashed server would.
 */
public final class CrashingServer {
    private CrashingServer() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            throw new IllegalArgumentException("args: " + java.util.List.of(args)
                    + " (expected: driver, sandboxes dir, code dir, log dir)");
        }
        SandboxDriver driver = SandboxDrivers.open(args[0], Path.of(args[1]));
        var spec = TestAgents.spec(Path.of(args[2]), "agent.py", TestAgents.limits(1, 256, 64, 16),
                NetworkMode.PUBLIC, Path.of(args[3]));
        Sandbox sandbox = driver.start(spec);
        System.out.println("STARTED " + sandbox.id() + " " + sandbox.agentAddress().getAddress().getHostAddress()
                + " " + sandbox.agentAddress().getPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
