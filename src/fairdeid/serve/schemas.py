"""Request and response bodies of the REST API (pydantic models; they drive the OpenAPI docs).

Requests forbid unknown keys so a typo (``"txt"``) is a 422, not a silently empty answer.
Responses never echo the input text: the client has it, and every copy of PHI is a liability.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Mode = Literal["tag", "redact", "surrogate"]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=256, description="Defaults to `doc-<index>`.")
    text: str
    meta: dict[str, Any] = Field(
        default_factory=dict,
        description="Passed to the pipeline (`patient_id` keeps surrogates consistent); "
        "never echoed back.",
    )


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="One note. Give `text` or `documents`.")
    documents: list[DocumentIn] | None = Field(None, min_length=1, description="A batch of notes.")
    detectors: list[str] | None = Field(
        None, description="Run only these detectors of the pipeline (default: all)."
    )

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


class DetectedDocument(BaseModel):
    id: str
    spans: list[SpanOut]


class DeidentifiedDocument(BaseModel):
    id: str
    text: str = Field(description="The de-identified text.")
    spans: list[SpanOut] = Field(description="Final spans in input coordinates.")
    output_spans: list[SpanOut] = Field(description="Where each replacement lies in `text`.")


class DetectResponse(BaseModel):
    spans: list[SpanOut] | None = None
    documents: list[DetectedDocument] | None = None


class DeidentifyResponse(BaseModel):
    mode: Mode
    text: str | None = None
    spans: list[SpanOut] | None = None
    output_spans: list[SpanOut] | None = None
    documents: list[DeidentifiedDocument] | None = None


class Info(BaseModel):
    version: str
    ready: bool
    auth: bool
    modes: list[str]
    default_mode: str
    detectors: dict[str, str] = Field(description="Detector name → kind (rule, model, ...).")
    max_chars: int
    max_batch: int
    max_body_bytes: int


class ErrorBody(BaseModel):
    detail: Any
