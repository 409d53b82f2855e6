"""`DynamoStore`'s codec writes every value exactly as boto3's TypeSerializer does (after the store's own
rule for floats: the Decimal of their shortest repr, `_to_dynamo`), its shortcuts for common types
included, and refuses what TypeSerializer refuses."""

from __future__ import annotations

import math
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import StoreError
from chalicelib.store.dynamodb import _Codec, _to_dynamo

JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)


def reference(value: Any) -> dict[str, Any]:
    """What the store always wrote: TypeSerializer on the value with its floats made Decimals."""
    serialized: dict[str, Any] = TypeSerializer().serialize(_to_dynamo(value))
    return serialized


@given(JSON_LIKE)
def test_every_json_like_value_is_written_as_type_serializer_writes_it(value: Any) -> None:
    try:
        expected = reference(value)
    except Exception as exc:  # TypeSerializer's refusal (a number out of DynamoDB's range)
        with pytest.raises(type(exc)):
            _Codec().serialize(value)
        return
    assert _Codec().serialize(value) == expected


@pytest.mark.parametrize(
    "value",
    [0, -1, 10**37, -(10**37) - 5, 10**38 - 1, 1.75e9, 1750000000.0, 0.1, -2.5e-7, 1e125, True, "", "文"],
)
def test_common_values_take_the_short_way_to_the_same_attribute(value: Any) -> None:
    assert _Codec().serialize(value) == reference(value)


@pytest.mark.parametrize("value", [10**38, 1e300, 5e-324])
def test_a_number_dynamodb_cannot_hold_is_refused_as_type_serializer_refuses_it(value: Any) -> None:
    with pytest.raises(ArithmeticError):
        reference(value)
    with pytest.raises(ArithmeticError):
        _Codec().serialize(value)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_number_that_is_not_finite_is_a_store_error(value: float) -> None:
    with pytest.raises(StoreError):
        _Codec().serialize(value)
