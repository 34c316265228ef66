from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from tandem.kit.validation import field_error, from_validation_error


class Sample(BaseModel):
    name: str = Field(min_length=2, max_length=5)
    count: int = Field(ge=1, le=10)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"count": 1}, "name", "This field is required."),
        ({"name": "", "count": 1}, "name", "This field is required."),
        ({"name": "a", "count": 1}, "name", "Enter at least 2 characters."),
        ({"name": "abcdef", "count": 1}, "name", "Enter at most 5 characters."),
        ({"name": "ab", "count": "x"}, "count", "Enter a whole number."),
        ({"name": "ab", "count": 0}, "count", "Enter a number of at least 1."),
        ({"name": "ab", "count": 11}, "count", "Enter a number of at most 10."),
    ],
)
def test_pydantic_errors_become_plain_messages(
    data: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    error = from_validation_error(caught.value)
    assert error.status_code == 422
    assert error.errors[0].field == field
    assert error.errors[0].localised() == message


def test_unknown_error_types_fall_back_to_a_generic_message() -> None:
    error = field_error({"type": "something_new", "loc": ("body", "a", 0), "msg": "x"})
    assert error.field == "a.0"
    assert error.localised() == "This value is not valid."
