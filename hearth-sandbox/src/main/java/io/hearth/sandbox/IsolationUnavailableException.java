package io.hearth.sandbox;

/** The isolation an operator asked for cannot run on this host; the message lists what is missing. */
public class IsolationUnavailableException extends SandboxException {
    public IsolationUnavailableException(String message) {
        super(message);
    }
}
