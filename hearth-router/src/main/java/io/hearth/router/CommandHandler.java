package io.hearth.router;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.AwsHeaders;
import io.hearth.api.AwsIdentity;
import io.hearth.api.FieldError;
import io.hearth.api.Workers;
import io.hearth.deployment.Deployment;
import io.hearth.deployment.Deployments;
import io.hearth.http.JsonBodies;
import io.hearth.http.PathSegments;
import io.hearth.http.Refusals;
import io.hearth.quota.Caller;
import io.hearth.quota.Quotas;
import io.hearth.router.internal.CallerAuth;
import io.hearth.router.internal.CallerWatch;
import io.hearth.router.internal.CallerInputs;
import io.hearth.router.internal.CommandRequest;
import io.hearth.router.internal.CommandRun;
import io.hearth.router.internal.ModeledHeader;
import io.hearth.router.internal.RuntimeCallers;
import io.hearth.sandbox.ExecSpec;
import io.hearth.sandbox.SandboxException;
import io.hearth.sandbox.SandboxProcess;
import io.hearth.session.Exchange;
import io.hearth.session.SessionManager;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InvokeAgentRuntimeCommand: {@code POST /runtimes/{arn}/commands} runs {@code /bin/sh -c <command>} in the
 * session's sandbox, beside its agent, and answers an AWS event stream of its output (docs/commands.md). Resolves
 * and authenticates exactly as InvokeAgentRuntime does, and starts the session if it is not live. Paths it does
 * not serve return false, so it can sit in front of the other data-plane operations.
 */
public final class CommandHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);
    /** Commands running at once, and waiting for a turn (a cold start, say); beyond that a request is throttled. */
    public static final int MAX_RUNNING = 1_024;
    public static final int MAX_QUEUED = 1_024;
    /** A refused body is read and dropped up to this size so an HTTP/1.1 client hears the refusal. */
    private static final long MAX_DRAIN_BYTES = CommandRequest.MAX_BODY_BYTES;
    /** The trace headers' modeled length on this operation (longer than InvokeAgentRuntime's). */
    private static final int MAX_TRACE_CHARS = 1_024;

    private final SessionManager sessions;
    private final Quotas quotas;
    private final RuntimeCallers runtimeCallers;
    private final Workers commands = Workers.bounded("hearth-commands", MAX_RUNNING, MAX_QUEUED);
    /** Two pumps (stdout, stderr) a command: never more than the commands running need, so never a queue. */
    private final Workers pumps = Workers.bounded("hearth-command-output", 2 * MAX_RUNNING, 0);
    /** A silent command's caller may leave without a write failing: this notices, so its program is killed. */
    private volatile CallerWatch callers;

    public CommandHandler(Deployments deployments, SessionManager sessions, AwsIdentity identity, Quotas quotas) {
        super(InvocationType.NON_BLOCKING);
        this.sessions = requireNonNull(sessions, "sessions");
        this.runtimeCallers = new RuntimeCallers(deployments, identity, new CallerAuth(Optional.empty()));
        this.quotas = requireNonNull(quotas, "quotas");
    }

    /** Whether a request is InvokeAgentRuntimeCommand's. */
    public static boolean serves(Request request) {
        List<String> path = PathSegments.of(request);
        return path.size() == 3 && path.get(0).equals("runtimes") && path.get(2).equals("commands")
                && request.getMethod().equals("POST");
    }

    @Override
    protected void doStart() throws Exception {
        callers = new CallerWatch();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        commands.close(Duration.ofSeconds(1));
        pumps.close(Duration.ofSeconds(1));
        callers.close();
    }

    /** Never blocks the calling (network) thread: everything continues on the commands' executor. */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!serves(request)) {
            return false;
        }
        if (request.getLength() > CommandRequest.MAX_BODY_BYTES) {
            refuse(request, response, callback, ApiException.cannotParse("request body: " + request.getLength()
                    + " bytes (expected: at most " + CommandRequest.MAX_BODY_BYTES + " bytes)"));
            return true;
        }
        String label = PathSegments.of(request).get(1);
        try {
            commands.execute(() -> handleBlocking(request, response, callback, label));
        } catch (RejectedExecutionException e) {
            refuse(request, response, callback, new ApiException.Throttling(
                    "Rate exceeded: too many commands running or waiting; retry later (" + e.getMessage() + ")"));
        }
        return true;
    }

    private void handleBlocking(Request request, Response response, Callback callback, String label) {
        try {
            run(request, response, callback, label);
        } catch (RuntimeException e) {
            refuse(request, response, callback, RuntimeCallers.toApi(request, e, LOG));
        }
    }

    private void run(Request request, Response response, Callback callback, String label) {
        CallerInputs inputs = CallerInputs.read(request, false);
        checkHeaders(request);
        runtimeCallers.authenticateUnsigned(request, response, label, inputs);
        // The whole input is checked before anything is resolved, started or run.
        CommandRequest command = CommandRequest.of(JsonBodies.read(request, CommandRequest.MAX_BODY_BYTES));
        var resolved = runtimeCallers.resolve(request, response, label, inputs);
        Deployment deployment = resolved.deployment();
        String owner = resolved.caller().ownerKey();
        quotas.checkInvocation(Caller.of(deployment, owner), deployment);
        Exchange exchange = sessions.open(deployment, owner, inputs.sessionId());
        SandboxProcess process;
        try {
            process = exchange.exec(ExecSpec.piped(List.of("/bin/sh", "-c", command.command())));
        } catch (SandboxException e) {
            exchange.close();
            throw ApiException.runtimeClient("Cannot run the command in session " + exchange.sessionId() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            exchange.close();
            throw e;
        }
        new CommandRun(request, response, callback, exchange, process, command.timeout(), pumps, callers).run();
    }

    /** The modeled lengths of this operation's headers; the session id is checked with the other caller inputs. */
    private static void checkHeaders(Request request) {
        for (ModeledHeader header : List.of(ModeledHeader.CONTENT_TYPE, ModeledHeader.ACCEPT, ModeledHeader.TRACESTATE,
                ModeledHeader.BAGGAGE)) {
            List<String> values = request.getHeaders().getValuesList(header.header());
            if (!values.isEmpty()) {
                header.check(String.join(", ", values));
            }
        }
        for (var trace : List.of(List.of(AwsHeaders.TRACE_ID, "traceId"), List.of(AwsHeaders.TRACEPARENT, "traceParent"))) {
            List<String> values = request.getHeaders().getValuesList(trace.get(0));
            String value = String.join(", ", values);
            int length = value.codePointCount(0, value.length());
            if (length > MAX_TRACE_CHARS) {
                String message = trace.get(1) + ": header " + trace.get(0) + " has " + length
                        + " characters (expected: at most " + MAX_TRACE_CHARS + " characters)";
                throw ApiException.validation(message, new FieldError(trace.get(1), message));
            }
        }
    }

    private static void refuse(Request request, Response response, Callback callback, ApiException error) {
        Refusals.refuse(request, response, error, callback, MAX_DRAIN_BYTES);
    }
}
