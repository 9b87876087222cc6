package io.hearth.auth;

import static java.util.Objects.requireNonNull;

import io.hearth.api.ApiException;
import java.util.List;
import java.util.Optional;

/**
 * One {@code customClaims} entry of a JWT authorizer: a claim the token must carry and how its value must match. The
 * combinations that exist are exactly the three records: a {@code STRING} claim compared with {@code EQUALS}, and a
 * {@code STRING_ARRAY} claim that {@code CONTAINS} one value or {@code CONTAINS_ANY} of several.
 */
public sealed interface ClaimRule {

    /** The claim's name in the token ({@code inboundTokenClaimName}). */
    String claim();

    /** {@code inboundTokenClaimValueType}. */
    ValueType valueType();

    /** {@code claimMatchOperator}. */
    Operator operator();

    enum ValueType {
        STRING,
        STRING_ARRAY
    }

    enum Operator {
        EQUALS,
        CONTAINS,
        CONTAINS_ANY
    }

    /** A string claim equal to {@code value}. */
    record StringEquals(String claim, String value) implements ClaimRule {
        public StringEquals {
            checkName(claim);
            checkValue(claim, value);
        }

        @Override
        public ValueType valueType() {
            return ValueType.STRING;
        }

        @Override
        public Operator operator() {
            return Operator.EQUALS;
        }
    }

    /** An array-of-strings claim holding {@code value}. */
    record ArrayContains(String claim, String value) implements ClaimRule {
        public ArrayContains {
            checkName(claim);
            checkValue(claim, value);
        }

        @Override
        public ValueType valueType() {
            return ValueType.STRING_ARRAY;
        }

        @Override
        public Operator operator() {
            return Operator.CONTAINS;
        }
    }

    /** An array-of-strings claim holding at least one of {@code values}. */
    record ArrayContainsAny(String claim, List<String> values) implements ClaimRule {
        public ArrayContainsAny {
            checkName(claim);
            requireNonNull(values, "values");
            if (values.isEmpty()) {
                throw ApiException.validation("customClaims[" + claim + "].matchValueStringList: []"
                        + " (expected: at least 1 value)");
            }
            values.forEach(v -> checkValue(claim, v));
            values = List.copyOf(values);
        }

        @Override
        public ValueType valueType() {
            return ValueType.STRING_ARRAY;
        }

        @Override
        public Operator operator() {
            return Operator.CONTAINS_ANY;
        }
    }

    /**
     * The rule for a type, an operator and the match value(s) as they arrive on the wire: {@code value} is
     * {@code matchValueString}, {@code values} is {@code matchValueStringList}; exactly one of them is given.
     */
    static ClaimRule of(String claim, ValueType type, Operator operator, Optional<String> value,
            Optional<List<String>> values) {
        checkName(claim);
        requireNonNull(type, "type");
        requireNonNull(operator, "operator");
        String where = "customClaims[" + claim + "]";
        if (value.isPresent() == values.isPresent()) {
            throw ApiException.validation(where + ".claimMatchValue: " + (value.isPresent() ? "both" : "neither")
                    + " matchValueString and matchValueStringList (expected: exactly one)");
        }
        return switch (type) {
            case STRING -> switch (operator) {
                case EQUALS -> new StringEquals(claim, value.orElseThrow(() -> ApiException.validation(where
                        + ".claimMatchValue: matchValueStringList (expected: matchValueString for EQUALS)")));
                case CONTAINS, CONTAINS_ANY -> throw ApiException.validation(where + ".claimMatchOperator: "
                        + operator + " (expected: EQUALS for inboundTokenClaimValueType STRING)");
            };
            case STRING_ARRAY -> switch (operator) {
                case CONTAINS -> new ArrayContains(claim, value.orElseThrow(() -> ApiException.validation(where
                        + ".claimMatchValue: matchValueStringList (expected: matchValueString for CONTAINS)")));
                case CONTAINS_ANY -> new ArrayContainsAny(claim, values.orElseThrow(() -> ApiException.validation(
                        where + ".claimMatchValue: matchValueString (expected: matchValueStringList for"
                                + " CONTAINS_ANY)")));
                case EQUALS -> throw ApiException.validation(where + ".claimMatchOperator: EQUALS (expected:"
                        + " CONTAINS or CONTAINS_ANY for inboundTokenClaimValueType STRING_ARRAY)");
            };
        };
    }

    private static void checkName(String claim) {
        requireNonNull(claim, "claim");
        if (claim.isBlank()) {
            throw ApiException.validation("customClaims.inboundTokenClaimName: \"" + claim + "\""
                    + " (expected: a claim name)");
        }
    }

    private static void checkValue(String claim, String value) {
        requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw ApiException.validation("customClaims[" + claim + "].claimMatchValue: \"\""
                    + " (expected: a non-empty string)");
        }
    }
}
