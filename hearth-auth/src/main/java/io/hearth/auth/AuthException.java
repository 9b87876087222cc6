package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.ErrorType;

/**
 * Why a request was not authenticated. The set is closed; each kind names the AWS error the edge answers with, so
 * the SDKs recognise it (status 403 for SigV4 failures, 401 for a missing or bad bearer token).
 */
public abstract sealed class AuthException extends RuntimeException {
    private final ErrorType type;

    private AuthException(String message, ErrorType type) {
        super(requireNonNull(message, "message"));
        this.type = type;
    }

    /** The AWS error code ({@code x-amzn-ErrorType}). */
    public final String errorType() {
        return type.wireName();
    }

    /** The HTTP status. */
    public final int status() {
        return type.status();
    }

    /** The same refusal in the AWS error shape the edge answers with. */
    public final ApiException toApiException() {
        return switch (this) {
            case MissingToken _, UnrecognizedClient _, InvalidSignature _, IncompleteSignature _ ->
                    new ApiException.NotAuthenticated(type, getMessage());
            case Unauthorized _ -> new ApiException.Unauthorized(getMessage());
            case AccessDenied _ -> new ApiException.AccessDenied(getMessage());
        };
    }

    /** No credentials at all: neither an Authorization header nor presigned query parameters. */
    public static final class MissingToken extends AuthException {
        public MissingToken(String message) {
            super(message, ErrorType.MISSING_AUTHENTICATION_TOKEN);
        }
    }

    /** The access key id is unknown or disabled. */
    public static final class UnrecognizedClient extends AuthException {
        public UnrecognizedClient(String message) {
            super(message, ErrorType.UNRECOGNIZED_CLIENT);
        }
    }

    /** The signature does not match, or is outside its time window ("Signature expired"). */
    public static final class InvalidSignature extends AuthException {
        public InvalidSignature(String message) {
            super(message, ErrorType.INVALID_SIGNATURE);
        }
    }

    /** The Authorization header or the presigned parameters are malformed or incomplete. */
    public static final class IncompleteSignature extends AuthException {
        public IncompleteSignature(String message) {
            super(message, ErrorType.INCOMPLETE_SIGNATURE);
        }
    }

    /** A bearer token is missing, invalid, or not allowed by the runtime's JWT authorizer. */
    public static final class Unauthorized extends AuthException {
        public Unauthorized(String message) {
            super(message, ErrorType.UNAUTHORIZED);
        }
    }

    /** The caller is authenticated but may not do this (for example, a SigV4 call to a JWT-authorized runtime). */
    public static final class AccessDenied extends AuthException {
        public AccessDenied(String message) {
            super(message, ErrorType.ACCESS_DENIED);
        }
    }
}
