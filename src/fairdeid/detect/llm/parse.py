"""From a model's reply to ``(text, label)`` pairs: JSON repair, shape tolerance, label mapping.

Models without constrained decoding wrap JSON in code fences, add a sentence before it or leave a
trailing comma. ``repair_json`` mends exactly those harmless cases and nothing cleverer: a repair
that guesses could invent entity strings, and an invented string is either a hallucination
(dropped later) or, worse, a wrong label. Anything it cannot mend is a ``ParseError`` and the
chunk is asked again.

An answer that stops inside the JSON (``max_tokens`` ran out) is not harmless: the entities after
the cut are missing, so accepting the closed-up prefix would release PHI as if the chunk had been
checked. Such answers parse as ``truncated``; the client then splits the chunk (see client.py).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fairdeid.taxonomy import ALL_LABELS

_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)(?:```|$)", re.DOTALL)

#: Labels models commonly produce (spaCy, Presidio, plain English) mapped onto the taxonomy.
BUILTIN_ALIASES: dict[str, str] = {
    "PERSON": "NAME",
    "PER": "NAME",
    "PERSON_NAME": "NAME",
    "FULL_NAME": "NAME",
    "PATIENT_NAME": "PATIENT",
    "DOCTOR_NAME": "DOCTOR",
    "PHYSICIAN": "DOCTOR",
    "CLINICIAN": "DOCTOR",
    "NURSE": "DOCTOR",
    "STAFF": "DOCTOR",
    "RELATIVE": "PATIENT",
    "FAMILY": "PATIENT",
    "ORG": "ORGANIZATION",
    "COMPANY": "ORGANIZATION",
    "FACILITY": "HOSPITAL",
    "CLINIC": "HOSPITAL",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "PLACE": "LOCATION",
    "ADDRESS": "STREET",
    "STREET_ADDRESS": "STREET",
    "ZIPCODE": "ZIP",
    "ZIP_CODE": "ZIP",
    "POSTCODE": "ZIP",
    "POSTAL_CODE": "ZIP",
    "PROVINCE": "STATE",
    "REGION": "STATE",
    "TOWN": "CITY",
    "TIME": "DATE",
    "DATETIME": "DATE",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "TELEPHONE": "PHONE",
    "FAX_NUMBER": "FAX",
    "EMAIL_ADDRESS": "EMAIL",
    "IP_ADDRESS": "IPADDR",
    "WEBSITE": "URL",
    "US_SSN": "SSN",
    "MRN": "MEDICALRECORD",
    "MEDICAL_RECORD": "MEDICALRECORD",
    "MEDICAL_RECORD_NUMBER": "MEDICALRECORD",
    "INSURANCE": "HEALTHPLAN",
    "HEALTH_PLAN": "HEALTHPLAN",
    "ACCOUNT_NUMBER": "ACCOUNT",
    "LICENSE_NUMBER": "LICENSE",
    "LICENCE": "LICENSE",
    "ID_NUMBER": "IDNUM",
    "IDENTIFIER": "IDNUM",
    "OCCUPATION": "PROFESSION",
    "JOB": "PROFESSION",
}


class ParseError(ValueError):
    """The reply holds no usable JSON. The message describes the shape, never the content."""


@dataclass
class ParsedAnswer:
    entities: list[tuple[str, str]] = field(default_factory=list)  # (text, raw label)
    #: Harmless mending was needed (code fences, prose around the JSON, trailing commas).
    repaired: bool = False
    #: The JSON was cut off; ``entities`` is only what came before the cut.
    truncated: bool = False
    invalid_items: int = 0


def strip_wrappers(reply: str) -> str:
    """Remove reasoning blocks (``<think>``) and markdown code fences around the JSON."""
    text = _THINK.sub("", reply).strip()
    fence = _FENCE.search(text)
    if fence:
        text = fence.group(1).strip()
    return text


def repair_json(raw: str) -> str | None:
    """Mend the harmless cases of broken JSON; ``None`` when there is nothing safe to do.

    Handled: prose before or after the value and trailing commas. A value cut off before its
    end is *not* mended (``None``): see ``close_truncated``.
    """
    fixed, cut = _mend(raw)
    return None if cut else fixed


def close_truncated(raw: str) -> str | None:
    """The complete prefix of a cut-off JSON value, with its open brackets closed.

    Only for salvaging what a truncated answer did say (privacy first: those strings are
    removed too); the chunk still counts as unchecked. ``None`` if ``raw`` is not cut off.
    """
    fixed, cut = _mend(raw)
    return fixed if cut else None


def _mend(raw: str) -> tuple[str | None, bool]:
    """``(mended text or None, whether the value was cut off before its end)``."""
    start = min((i for i in (raw.find("{"), raw.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None, False
    out: list[str] = []
    stack: list[str] = []
    in_string = escape = False
    # The last point where the output is a complete prefix: (output length, open brackets).
    safe: tuple[int, tuple[str, ...]] | None = None
    for ch in raw[start:]:
        if in_string:
            out.append(ch)
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
        elif ch in "{[":
            stack.append(ch)
            out.append(ch)
            if ch == "[":
                safe = (len(out), tuple(stack))
        elif ch in "}]":
            if not stack or (stack[-1] == "{") != (ch == "}"):
                return None, False
            _drop_trailing_comma(out)
            stack.pop()
            out.append(ch)
            if not stack:
                return "".join(out), False
            if stack[-1] == "[":
                safe = (len(out), tuple(stack))
        else:
            out.append(ch)
    if safe is None:
        return None, True
    length, open_brackets = safe
    del out[length:]
    _drop_trailing_comma(out)
    out.extend("]" if b == "[" else "}" for b in reversed(open_brackets))
    return "".join(out), True


def _drop_trailing_comma(out: list[str]) -> None:
    i = len(out) - 1
    while i >= 0 and out[i].isspace():
        i -= 1
    if i >= 0 and out[i] == ",":
        del out[i:]


def parse_answer(reply: str) -> ParsedAnswer:
    """Entities from a reply; raises ``ParseError`` if no JSON can be read even after repair.

    A cut-off reply does not raise: it comes back with ``truncated`` set and the entities
    before the cut, and the caller must not treat the chunk as checked.
    """
    text = strip_wrappers(reply)
    result = ParsedAnswer()
    try:
        data: Any = json.loads(text, strict=False)
    except json.JSONDecodeError:
        fixed, cut = _mend(text)
        result.truncated = cut
        result.repaired = not cut
        data = _load(fixed, truncated=cut)
    items = _entity_list(data)
    for item in items:
        pair = _entity_pair(item)
        if pair is None:
            result.invalid_items += 1
        else:
            result.entities.append(pair)
    return result


def _load(fixed: str | None, truncated: bool) -> Any:
    if fixed is not None:
        try:
            return json.loads(fixed, strict=False)
        except json.JSONDecodeError:
            # Python-literal style ({'text': 'x'}) from small models: literal_eval is safe.
            try:
                return ast.literal_eval(fixed)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                pass
    if truncated:
        return []  # cut off before any complete entity: nothing to salvage
    raise ParseError("reply is not JSON and could not be repaired")


def _entity_list(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        for key in ("entities", "phi", "results", "items", "spans"):
            if isinstance(data.get(key), list):
                return list(data[key])
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:
            return list(lists[0])
        if not data:
            return []
        if _entity_pair(data) is not None:  # a single entity object
            return [data]
    raise ParseError(f"reply JSON is a {type(data).__name__} without an entity list")


def _entity_pair(item: Any) -> tuple[str, str] | None:
    if not isinstance(item, Mapping):
        return None
    text = next((item[k] for k in ("text", "value", "span", "entity", "word") if k in item), None)
    label = next(
        (item[k] for k in ("label", "type", "category", "entity_type", "tag") if k in item), None
    )
    if not isinstance(text, str) or not isinstance(label, str) or not text.strip():
        return None
    return text, label


def normalise_label(raw: str, aliases: Mapping[str, str], unknown: str) -> str | None:
    """Map a model's label onto the taxonomy; ``None`` means drop (``unknown == "drop"``)."""
    key = re.sub(r"[\s\-]+", "_", raw.strip()).upper()
    if key in ALL_LABELS:
        return key
    target = aliases.get(key) or aliases.get(raw) or BUILTIN_ALIASES.get(key)
    if target is not None and target in ALL_LABELS:
        return target
    return "OTHER" if unknown == "OTHER" else None
