package io.hearth.api;

/** The modeled AWS error shapes Hearth answers with: wire code and HTTP status (docs/wire-contract.md §1.3). */
public enum ErrorType {
    VALIDATION("ValidationException", 400),
    UNAUTHORIZED("UnauthorizedException", 401),
    SERVICE_QUOTA_EXCEEDED("ServiceQuotaExceededException", 402),
    ACCESS_DENIED("AccessDeniedException", 403),
    /** SigV4 failures at the edge (docs/authentication.md). */
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationTokenException", 403),
    UNRECOGNIZED_CLIENT("UnrecognizedClientException", 403),
    INVALID_SIGNATURE("InvalidSignatureException", 403),
    INCOMPLETE_SIGNATURE("IncompleteSignatureException", 403),
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 404),
    CONFLICT("ConflictException", 409),
    /** The data plane's "not ready yet, retry": clients that do not model it see a plain 409. */
    RETRYABLE_CONFLICT("RetryableConflictException", 409),
    RUNTIME_CLIENT_ERROR("RuntimeClientError", 424),
    THROTTLING("ThrottlingException", 429),
    INTERNAL_SERVER("InternalServerException", 500);

    private final String wireName;
    private final int status;

    ErrorType(String wireName, int status) {
        this.wireName = wireName;
        this.status = status;
    }

    /** The shape name clients read from {@code x-amzn-ErrorType} and {@code __type}. */
    public String wireName() {
        return wireName;
    }

    public int status() {
        return status;
    }
}
