package io.hearth.api;

/** The {@code reason} member of {@code ValidationException}, as modeled. */
public enum ValidationReason {
    CannotParse,
    FieldValidationFailed,
    IdempotentParameterMismatchException,
    EventInOtherSession,
    ResourceConflict
}
