package io.hearth.server;

/** Authentication is off and the server would listen beyond this host without being told it may. */
public final class UnauthenticatedRemoteException extends IllegalStateException {
    public UnauthenticatedRemoteException(String message) {
        super(message);
    }
}
