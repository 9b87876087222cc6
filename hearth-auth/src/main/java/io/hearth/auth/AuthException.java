package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import io.hearth.api.ErrorType;

/**
 * Why a request was not authenticated. The set is closed; each kind names the AWS error the edge answers with, so
 * the SDKs recognise it (status 403 for SigV4 failures, 401 for a missing or bad bearer token).
 */
public abstract sealed class AuthException extends RuntimeException {
    private AuthException(String message) {
        super(requireNonNull(message, "message"));
    }

    /** The AWS error code ({@code x-amzn-ErrorType}). */
    public abstract String errorType();

    /** The HTTP status. */
    public abstract int status();

    /** The same refusal in the AWS error shape the edge answers with. */
    public final ApiException toApiException() {
        return switch (this) {
            case MissingToken m -> new ApiException.NotAuthenticated(ErrorType.MISSING_AUTHENTICATION_TOKEN, getMessage());
            case UnrecognizedClient u -> new ApiException.NotAuthenticated(ErrorType.UNRECOGNIZED_CLIENT, getMessage());
            case InvalidSignature i -> new ApiException.NotAuthenticated(ErrorType.INVALID_SIGNATURE, getMessage());
            case IncompleteSignature i -> new ApiException.NotAuthenticated(ErrorType.INCOMPLETE_SIGNATURE, getMessage());
            case Unauthorized u -> new ApiException.Unauthorized(getMessage());
            case AccessDenied a -> new ApiException.AccessDenied(getMessage());
        };
    }

    /** No credentials at all: neither an Authorization header nor presigned query parameters. */
    public static final class MissingToken extends AuthException {
        public MissingToken(String message) {
            super(message);
        }

        @Override
        public String errorType() {
            return "MissingAuthenticationTokenException";
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /** The access key id is unknown or disabled. */
    public static final class UnrecognizedClient extends AuthException {
        public UnrecognizedClient(String message) {
            super(message);
        }

        @Override
        public String errorType() {
            return "UnrecognizedClientException";
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /** The signature does not match, or is outside its time window ("Signature expired"). */
    public static final class InvalidSignature extends AuthException {
        public InvalidSignature(String message) {
            super(message);
        }

        @Override
        public String errorType() {
            return "InvalidSignatureException";
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /** The Authorization header or the presigned parameters are malformed or incomplete. */
    public static final class IncompleteSignature extends AuthException {
        public IncompleteSignature(String message) {
            super(message);
        }

        @Override
        public String errorType() {
            return "IncompleteSignatureException";
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /** A bearer token is missing, invalid, or not allowed by the runtime's JWT authorizer. */
    public static final class Unauthorized extends AuthException {
        public Unauthorized(String message) {
            super(message);
        }

        @Override
        public String errorType() {
            return "UnauthorizedException";
        }

        @Override
        public int status() {
            return 401;
        }
    }

    /** The caller is authenticated but may not do this (for example, a SigV4 call to a JWT-authorized runtime). */
    public static final class AccessDenied extends AuthException {
        public AccessDenied(String message) {
            super(message);
        }

        @Override
        public String errorType() {
            return "AccessDeniedException";
        }

        @Override
        public int status() {
            return 403;
        }
    }
}
