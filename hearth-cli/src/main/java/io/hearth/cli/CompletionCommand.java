package io.hearth.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth completion bash}: a completion script for every command and option, made from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script. In bash (or zsh with bashcompinit):",
                "  source <(./hearth completion bash)",
                "It completes the commands and options of the hearth command, whichever way it is run (./hearth or hearth)."})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "The shell: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("hearth", spec.root().commandLine());
        System.out.print(script);
        // The launcher is usually run as ./hearth: the same completion for that name.
        System.out.println("complete -F _complete_hearth -o default ./hearth");
        System.out.flush();
        return 0;
    }
}
