package io.hearth.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessDriverExecTest extends ExecContract {
    @Override
    String driverName() {
        return "process";
    }

    @Override
    Optional<Path> requiredBinary() {
        return Optional.empty();
    }

    @Override
    String workingDirectory() {
        return code.toString();
    }

    @Override
    boolean isolated() {
        return false;
    }

    @Test
    void closeKillsWhatTheProgramLeftRunning() throws Exception {
        SandboxProcess p = sandbox.exec(piped("sleep 1000 & echo left"));
        assertThat(p.exit().get(20, TimeUnit.SECONDS)).isZero();
        assertThat(HostLeaks.awaitProcessesWithEnvironment("HEARTH_TEST_MARK=" + mark, 1, WAIT))
                .as("the background sleep").hasSize(1);
        p.close();
        assertThat(HostLeaks.processesWithEnvironment("HEARTH_TEST_MARK=" + mark)).isEmpty();
    }
}
