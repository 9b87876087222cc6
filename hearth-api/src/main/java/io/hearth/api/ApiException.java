package io.hearth.api;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error that reaches the caller in the AWS error shape: the modeled status, {@code x-amzn-ErrorType},
 * and a JSON body with {@code message}, {@code __type} and the shape's own members.
 * The set is closed: every failure a caller can see is one of these.
 */
public abstract sealed class ApiException extends RuntimeException {
    private final ErrorType type;

    private ApiException(ErrorType type, String message, Throwable cause) {
        super(requireNonNull(message, "message"), cause);
        this.type = requireNonNull(type, "type");
    }

    public final ErrorType type() {
        return type;
    }

    /** The body members beyond {@code message} and {@code __type}. */
    public Map<String, Object> members() {
        return Map.of();
    }

    public static Validation validation(String message, FieldError... fields) {
        return new Validation(message, ValidationReason.FieldValidationFailed, List.of(fields));
    }

    public static Validation cannotParse(String message) {
        return new Validation(message, ValidationReason.CannotParse, List.of());
    }

    public static NotFound notFound(String message) {
        return new NotFound(message);
    }

    public static Conflict conflict(String message) {
        return new Conflict(message);
    }

    public static RuntimeClient runtimeClient(String message) {
        return new RuntimeClient(message, null);
    }

    public static RuntimeClient runtimeClient(String message, Throwable cause) {
        return new RuntimeClient(message, cause);
    }

    public static QuotaExceeded quotaExceeded(String message) {
        return new QuotaExceeded(message);
    }

    public static Internal internal(String message, Throwable cause) {
        return new Internal(message, cause);
    }

    /** 400: the request broke a constraint; {@code reason} and {@code fieldList} say which. */
    public static final class Validation extends ApiException {
        private final ValidationReason reason;
        private final List<FieldError> fieldList;

        public Validation(String message, ValidationReason reason, List<FieldError> fieldList) {
            super(ErrorType.VALIDATION, message, null);
            this.reason = requireNonNull(reason, "reason");
            this.fieldList = List.copyOf(fieldList);
        }

        public ValidationReason reason() {
            return reason;
        }

        public List<FieldError> fieldList() {
            return fieldList;
        }

        @Override
        public Map<String, Object> members() {
            var members = new LinkedHashMap<String, Object>();
            members.put("reason", reason.name());
            if (!fieldList.isEmpty()) {
                members.put("fieldList", fieldList);
            }
            return members;
        }
    }

    /** 404. */
    public static final class NotFound extends ApiException {
        public NotFound(String message) {
            super(ErrorType.RESOURCE_NOT_FOUND, message, null);
        }
    }

    /** 409. */
    public static final class Conflict extends ApiException {
        public Conflict(String message) {
            super(ErrorType.CONFLICT, message, null);
        }
    }

    /** 409 on the data plane: the runtime or endpoint is not ready yet; the same call succeeds later. */
    public static final class RetryableConflict extends ApiException {
        public RetryableConflict(String message) {
            super(ErrorType.RETRYABLE_CONFLICT, message, null);
        }
    }

    /** 424: the agent could not be reached, crashed, was not ready in time, or answered an error. */
    public static final class RuntimeClient extends ApiException {
        public RuntimeClient(String message, Throwable cause) {
            super(ErrorType.RUNTIME_CLIENT_ERROR, message, cause);
        }
    }

    /** 402, as modeled (not 429). */
    public static final class QuotaExceeded extends ApiException {
        public QuotaExceeded(String message) {
            super(ErrorType.SERVICE_QUOTA_EXCEEDED, message, null);
        }
    }

    /** 429. */
    public static final class Throttling extends ApiException {
        public Throttling(String message) {
            super(ErrorType.THROTTLING, message, null);
        }
    }

    /** 403. */
    public static final class AccessDenied extends ApiException {
        public AccessDenied(String message) {
            super(ErrorType.ACCESS_DENIED, message, null);
        }
    }

    /** 401. */
    public static final class Unauthorized extends ApiException {
        public Unauthorized(String message) {
            super(ErrorType.UNAUTHORIZED, message, null);
        }
    }

    /** 403: the request is not authenticated; {@code type} is the AWS error of the SigV4 failure. */
    public static final class NotAuthenticated extends ApiException {
        public NotAuthenticated(ErrorType type, String message) {
            super(type, message, null);
            if (type.status() != 403) {
                throw new IllegalArgumentException("type: " + type + " (expected: a 403 authentication error)");
            }
        }
    }

    /** 500: a fault of Hearth's own; the message never carries internals beyond what helps the caller. */
    public static final class Internal extends ApiException {
        public Internal(String message, Throwable cause) {
            super(ErrorType.INTERNAL_SERVER, message, cause);
        }
    }
}
