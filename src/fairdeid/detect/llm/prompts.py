"""Prompt templates as data: packaged TOML files under ``detect/prompts/`` or a user's own file.

Prompts change more often than code and are tuned per model by people who should not need to read
Python, so they live in data files. The label list is generated from the taxonomy (plus one-line
definitions in ``prompts/labels.toml``), so a prompt can never ask for a label that resolve and
evaluation do not know. Few-shot examples are stored with fine labels and mapped to coarse ones
when a template asks for coarse labels.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from fairdeid.errors import ConfigError, UnknownLabelError
from fairdeid.taxonomy import COARSE_LABELS, COARSE_TO_FINE, FINE_TO_COARSE, coarse

_PACKAGE = "fairdeid.detect"
_DIR = "prompts"
_RESERVED = {"labels"}  # data files in the prompts folder that are not templates


@dataclass(frozen=True)
class Example:
    text: str
    entities: tuple[tuple[str, str], ...]  # (text, label)


@dataclass(frozen=True)
class PromptTemplate:
    """A loaded template: system and user message patterns plus optional examples."""

    name: str
    system: str
    user: str
    labels: str | tuple[str, ...] = "fine"
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Prompt:
    """A template bound to a label set: builds the chat messages and the JSON schema."""

    template: PromptTemplate
    labels: tuple[str, ...]
    few_shot: bool = False

    def messages(self, text: str) -> list[dict[str, str]]:
        values = {
            "labels": label_definitions(self.labels),
            "label_names": ", ".join(self.labels),
        }
        out = [{"role": "system", "content": _fill(self.template.system, values, "system")}]
        if self.few_shot:
            for example in self.template.examples:
                answer = {
                    "entities": [
                        {"text": t, "label": _fit_label(label, self.labels)}
                        for t, label in example.entities
                    ]
                }
                out.append(
                    {
                        "role": "user",
                        "content": _fill(
                            self.template.user, values | {"text": example.text}, "user"
                        ),
                    }
                )
                out.append({"role": "assistant", "content": json.dumps(answer, ensure_ascii=False)})
        out.append(
            {"role": "user", "content": _fill(self.template.user, values | {"text": text}, "user")}
        )
        return out

    def json_schema(self) -> dict[str, Any]:
        """The answer schema for ``response_format``; labels are an enum so decoding can't stray."""
        return {
            "type": "object",
            "properties": {
                "entities": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "text": {"type": "string"},
                            "label": {"type": "string", "enum": list(self.labels)},
                        },
                        "required": ["text", "label"],
                        "additionalProperties": False,
                    },
                }
            },
            "required": ["entities"],
            "additionalProperties": False,
        }


def available_templates() -> list[str]:
    folder = resources.files(_PACKAGE).joinpath(_DIR)
    names = [p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml")]
    return sorted(n for n in names if n not in _RESERVED)


def load_template(name_or_path: str) -> PromptTemplate:
    """A packaged template by name, or a user TOML file by path (anything with a / or .toml)."""
    if "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(".toml"):
        path = Path(name_or_path).expanduser()
        if not path.is_file():
            raise ConfigError(f"prompt template file not found: {path}")
        raw = path.read_text("utf-8")
        name = path.stem
    else:
        if name_or_path in _RESERVED or name_or_path not in available_templates():
            raise ConfigError(
                f"unknown prompt template {name_or_path!r}; packaged: {available_templates()} "
                "(or give a path to a .toml file)"
            )
        raw = resources.files(_PACKAGE).joinpath(_DIR, name_or_path + ".toml").read_text("utf-8")
        name = name_or_path
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"prompt template {name!r} is not valid TOML: {exc}") from None
    return _parse_template(name, data)


def build_prompt(
    name_or_path: str, labels: str | Sequence[str] | None = None, few_shot: bool = False
) -> Prompt:
    template = load_template(name_or_path)
    chosen = resolve_labels(template.labels if labels is None else labels)
    if few_shot and not template.examples:
        raise ConfigError(f"prompt template {template.name!r} has no examples for few_shot")
    return Prompt(template, chosen, few_shot)


def resolve_labels(spec: str | Sequence[str]) -> tuple[str, ...]:
    """``"fine"``: all fine labels; ``"coarse"``: the eight coarse ones; else a checked list."""
    if spec == "fine":
        return tuple(FINE_TO_COARSE)
    if spec == "coarse":
        return COARSE_LABELS
    if isinstance(spec, str):
        raise ConfigError(f"labels must be 'fine', 'coarse' or a list of labels, not {spec!r}")
    out: list[str] = []
    for label in spec:
        try:
            coarse(label)
        except UnknownLabelError as exc:
            raise ConfigError(str(exc)) from None
        out.append(label)
    if not out:
        raise ConfigError("labels must not be empty")
    return tuple(out)


def label_definitions(labels: Sequence[str]) -> str:
    """One ``- LABEL: definition`` line per label, in taxonomy order as given."""
    defs = _definitions()
    lines = []
    for label in labels:
        text = defs.get(label)
        lines.append(f"- {label}: {text}" if text else f"- {label}")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _definitions() -> dict[str, str]:
    raw = resources.files(_PACKAGE).joinpath(_DIR, "labels.toml").read_text("utf-8")
    return {str(k): str(v) for k, v in tomllib.loads(raw).get("labels", {}).items()}


def _fit_label(label: str, allowed: Sequence[str]) -> str:
    """Map an example's fine label onto the label set in use (coarse, or a restricted list)."""
    if label in allowed:
        return label
    parent = coarse(label)
    if parent in allowed:
        return parent
    for fine in COARSE_TO_FINE.get(parent, ()):
        if fine in allowed:
            return fine
    return "OTHER"


def _fill(pattern: str, values: Mapping[str, str], part: str) -> str:
    try:
        return Template(pattern).substitute(values)
    except (KeyError, ValueError) as exc:
        raise ConfigError(
            f"prompt {part} template has a bad placeholder ({exc}); use $labels, $label_names, "
            "$text, and $$ for a literal dollar sign"
        ) from None


def _parse_template(name: str, data: Mapping[str, Any]) -> PromptTemplate:
    system, user = data.get("system"), data.get("user")
    if not isinstance(system, str) or not isinstance(user, str):
        raise ConfigError(f"prompt template {name!r} needs string keys 'system' and 'user'")
    if "$text" not in user and "${text}" not in user:
        raise ConfigError(f"prompt template {name!r}: the user message must contain $text")
    labels = data.get("labels", "fine")
    examples = []
    for i, ex in enumerate(data.get("examples", [])):
        try:
            entities = tuple((str(e["text"]), str(e["label"])) for e in ex["entities"])
            for _, label in entities:
                coarse(label)
            examples.append(Example(str(ex["text"]), entities))
        except (KeyError, TypeError, UnknownLabelError):
            raise ConfigError(f"prompt template {name!r}: example {i} is malformed") from None
    return PromptTemplate(
        name=name,
        system=system,
        user=user,
        labels=labels if isinstance(labels, str) else tuple(labels),
        examples=tuple(examples),
    )
