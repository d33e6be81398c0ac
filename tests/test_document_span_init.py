"""``Span.__init__`` is written out for speed; it must behave as the generated dataclass one with
the ``__post_init__`` checks it replaced (same fields, defaults, errors, equality, copies)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from fairdeid.document import Span
from fairdeid.errors import InvalidSpanError


@dataclass(frozen=True, slots=True)
class GeneratedSpan:
    """The previous definition of ``Span``: generated ``__init__`` plus ``__post_init__``."""

    start: int
    end: int
    label: str
    source: str = "gold"
    score: float = 1.0
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.start, int) or not isinstance(self.end, int):
            raise InvalidSpanError("span offsets must be integers")
        if self.start < 0 or self.end <= self.start:
            raise InvalidSpanError(f"span [{self.start}, {self.end}) is empty or negative")
        if not self.label:
            raise InvalidSpanError("span label is empty")


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((0, 1, "NAME"), {}),
    ((3, 9, "DATE", "rules:date.numeric", 0.9), {}),
    ((3, 9, "DATE"), {"source": "x", "score": 0.5, "attrs": {"text": "a"}}),
    ((), {"start": 2, "end": 4, "label": "CITY"}),
    ((True, 4, "AGE"), {}),  # a bool is an int to isinstance, as before
    ((1.0, 4, "AGE"), {}),
    ((1, "4", "AGE"), {}),
    ((4, 4, "AGE"), {}),
    ((5, 4, "AGE"), {}),
    ((-1, 4, "AGE"), {}),
    ((1, 4, ""), {}),
    ((1, 4, None), {}),
    ((1, 4, "AGE", "gold", 1.0, None), {}),
]


def _outcome(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        made = cls(*args, **kwargs)
    except InvalidSpanError as exc:
        return ("error", str(exc))
    return tuple(getattr(made, f.name) for f in dataclasses.fields(made))


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_same_fields_and_errors_as_the_generated_init(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    assert _outcome(Span, args, kwargs) == _outcome(GeneratedSpan, args, kwargs)


def test_missing_or_unknown_arguments_fail_as_before() -> None:
    for cls in (Span, GeneratedSpan):
        with pytest.raises(TypeError):
            cls(1, 2)  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            cls(1, 2, "NAME", colour="red")  # type: ignore[call-arg]


def test_each_span_gets_its_own_attrs_and_stays_frozen() -> None:
    a, b = Span(0, 1, "NAME"), Span(0, 1, "NAME")
    assert a.attrs == {} and a.attrs is not b.attrs
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.start = 3  # type: ignore[misc]
    assert a == b and hash(a) == hash(b) and a == Span(0, 1, "NAME", attrs={"x": 1})


def test_replace_copy_and_pickle_keep_every_field_and_check_again() -> None:
    span = Span(2, 5, "CITY", "rules:x", 0.75, {"also": ["y"]})
    for twin in (copy.copy(span), copy.deepcopy(span), pickle.loads(pickle.dumps(span))):
        assert twin == span and twin.attrs == span.attrs and twin.score == 0.75
    moved = dataclasses.replace(span, start=0)
    assert (moved.start, moved.end, moved.attrs) == (0, 5, {"also": ["y"]})
    with pytest.raises(InvalidSpanError):
        dataclasses.replace(span, end=2)
    assert repr(span) == (
        "Span(start=2, end=5, label='CITY', source='rules:x', score=0.75, attrs={'also': ['y']})"
    )
