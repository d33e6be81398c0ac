"""Request and response bodies of the REST API (pydantic models; they drive the OpenAPI docs).

Requests forbid unknown keys so a typo (``"txt"``) is a 422, not a silently empty answer.
Responses never echo the input text: the client has it, and every copy of PHI is a liability.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

Mode = Literal["tag", "redact", "surrogate"]

#: JSON may escape half of a surrogate pair (``"\ud800"``): valid JSON, but not text. Python
#: keeps it in the ``str`` and it fails later, when the answer is encoded (a 500).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: Keys whose names may appear in an error message; any other key is client text.
_FIELD_NAMES = frozenset({"text", "documents", "detectors", "mode", "id", "meta", "language"})


def lone_surrogate_at(data: Any) -> str | None:
    """Where the first string (or key) holding a lone surrogate is, as ``documents[1].text``.

    The path names only fields and indexes: keys the client chose (inside ``meta``, or unknown
    keys) are never written out. Iterative, so a deeply nested ``meta`` cannot exhaust the stack.
    """
    stack: list[tuple[Any, str, bool]] = [(data, "", False)]
    while stack:
        value, path, opaque = stack.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                return path or "body"
        elif isinstance(value, dict):
            items = []
            for key, item in value.items():
                if isinstance(key, str) and _LONE_SURROGATE.search(key):
                    return path or "body"
                if opaque:
                    items.append((item, path, True))
                    continue
                name = key if key in _FIELD_NAMES else "<field>"
                child = f"{path}.{name}" if path else name
                items.append((item, child, name == "meta" or name == "<field>"))
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(
                reversed([(item, path if opaque else f"{path}[{i}]", opaque)
                          for i, item in enumerate(value)])
            )
    return None


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=256, description="Defaults to `doc-<index>`.")
    text: str
    meta: dict[str, Any] = Field(
        default_factory=dict,
        description="Passed to the pipeline (`patient_id`, a string or an integer, keeps "
        "surrogates consistent); never echoed back.",
    )

    @field_validator("meta")
    @classmethod
    def _patient_id_is_scalar(cls, meta: dict[str, Any]) -> dict[str, Any]:
        # Any value would be str()-ed into a scope: {"a": 1} or 1.0 would silently give a
        # patient other surrogates than "1" does.
        pid = meta.get("patient_id")
        if pid is not None and (isinstance(pid, bool) or not isinstance(pid, str | int)):
            raise ValueError("meta.patient_id must be a string or an integer")
        return meta


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="One note. Give `text` or `documents`.")
    documents: list[DocumentIn] | None = Field(None, min_length=1, description="A batch of notes.")
    detectors: list[str] | None = Field(
        None,
        min_length=1,
        description="Run only these detectors of the pipeline (default: all). At least one: "
        "an empty list would check nothing.",
    )
    language: str | None = Field(
        None,
        max_length=16,
        description="Language of the notes: `auto` identifies each note (the server's default "
        "when it routes), a code (`en`, `de`, `fr`, `nl`, `it`, `es`) sends every note to that "
        "language pack. A document's `meta.language` does the same for one note.",
    )

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        where = lone_surrogate_at(data)
        if where is not None:
            raise PydanticCustomError(
                "lone_surrogate",
                "{where} contains a lone surrogate code point (half of a UTF-16 pair), which is "
                "not text; send valid Unicode",
                {"where": where},
            )
        return data

    @model_validator(mode="after")
    def _one_of(self) -> _Body:
        if (self.text is None) == (self.documents is None):
            raise ValueError("give exactly one of 'text' or 'documents'")
        return self

    def as_documents(self) -> list[DocumentIn]:
        if self.documents is not None:
            return self.documents
        return [DocumentIn(id=None, text=self.text or "")]


class DetectRequest(_Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "Seen by Dr. Wei Zhang on 03/04/2021."}]},
    )


class DeidentifyRequest(_Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "Seen by Dr. Wei Zhang on 03/04/2021.", "mode": "tag"},
                {
                    "documents": [
                        {"id": "n1", "text": "Call 555-123-4567.", "meta": {"patient_id": "p9"}}
                    ],
                    "mode": "surrogate",
                },
            ]
        },
    )

    mode: Mode | None = Field(None, description="Default: the mode of the server's config.")


class SpanOut(BaseModel):
    start: int = Field(description="Code-point offset, end exclusive.")
    end: int
    label: str = Field(description="Fine label, e.g. DOCTOR.")
    coarse: str = Field(description="Coarse category, e.g. NAME.")
    source: str = Field(description="Provenance `<detector>:<rule or model>`.")
    kind: str = Field(description="What found it: rule, model, llm, peer, deny, other.")
    score: float
    also: list[str] = Field(default_factory=list, description="Other sources that agreed.")


class LanguageOut(BaseModel):
    language: str = Field(description="The language pack that handled the note (`en`: English).")
    reason: str = Field(
        description="fixed (asked for), identified, too_short or uncertain (English used), "
        "unsupported (a language without a pack) or no_detector (its pack lacks the detectors "
        "asked for): English used, a warning."
    )
    detected: str | None = Field(None, description="What identification said, if it ran.")
    confidence: float | None = None


class DetectedDocument(BaseModel):
    id: str
    spans: list[SpanOut]
    language: LanguageOut | None = None


class DeidentifiedDocument(BaseModel):
    id: str
    text: str = Field(description="The de-identified text.")
    spans: list[SpanOut] = Field(description="Final spans in input coordinates.")
    output_spans: list[SpanOut] = Field(description="Where each replacement lies in `text`.")
    language: LanguageOut | None = None


class DetectResponse(BaseModel):
    spans: list[SpanOut] | None = None
    language: LanguageOut | None = None
    documents: list[DetectedDocument] | None = None


class DeidentifyResponse(BaseModel):
    mode: Mode
    text: str | None = None
    spans: list[SpanOut] | None = None
    output_spans: list[SpanOut] | None = None
    language: LanguageOut | None = None
    documents: list[DeidentifiedDocument] | None = None


class Info(BaseModel):
    version: str
    ready: bool
    auth: bool
    modes: list[str]
    default_mode: str
    detectors: dict[str, str] = Field(description="Detector name → kind (rule, model, ...).")
    labels: dict[str, list[str]] = Field(
        description="Coarse category → its fine labels (what a span's `label` may be)."
    )
    max_chars: int
    max_batch: int
    max_body_bytes: int
    max_request_chars: int = Field(description="Characters of all documents of one request.")
    request_timeout: float = Field(description="Seconds a request may take, queueing included.")


class ErrorBody(BaseModel):
    detail: Any
