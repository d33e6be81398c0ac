"""The synthetic notes' word lists and ID formats, read once from ``data/*.toml``.

Why data files: the lists are vocabulary, not logic. Kept as TOML they can be reviewed, extended
or swapped without touching code, and the code that draws from them stays short. Nothing in them
is PHI; see the comments at the top of each file.

The order of every list is part of the generator's output (items are drawn by index from one
seeded stream), so the lists are tuples: nothing can sort or extend them in place.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple


class Drug(NamedTuple):
    name: str
    strengths: tuple[str, ...]
    unit: str
    routes: tuple[str, ...]


class Lab(NamedTuple):
    """A lab test; values are drawn from ``low``-``high`` and shown with ``digits`` decimals."""

    name: str
    low: float
    high: float
    unit: str
    digits: int


class IcdCode(NamedTuple):
    code: str
    description: str


class Imaging(NamedTuple):
    exam: str
    finding: str


class Specimen(NamedTuple):
    specimen: str
    diagnosis: str


@dataclass(frozen=True, slots=True)
class Vocab:
    """Clinical text (hard negatives) and the words around people and places."""

    complaints: tuple[str, ...]
    conditions: tuple[str, ...]
    drugs: tuple[Drug, ...]
    frequencies: tuple[str, ...]
    exam_findings: tuple[str, ...]
    labs: tuple[Lab, ...]
    icd_codes: tuple[IcdCode, ...]
    scores: tuple[str, ...]
    procedures: tuple[str, ...]
    imaging: tuple[Imaging, ...]
    pathology_specimens: tuple[Specimen, ...]
    nursing_observations: tuple[str, ...]
    plan_items: tuple[str, ...]
    ros_items: tuple[str, ...]
    typos: Mapping[str, str]
    professions: tuple[str, ...]
    departments: tuple[str, ...]
    inpatient_units: tuple[str, ...]
    relations: tuple[str, ...]
    organization_heads: tuple[str, ...]
    organization_tails: tuple[str, ...]
    landmark_tails: tuple[str, ...]
    email_domains: tuple[str, ...]
    holidays: tuple[str, ...]
    wordlike_names: frozenset[str]


@dataclass(frozen=True, slots=True)
class IdFormats:
    """``fill_format`` patterns per identifier type, and the characters of a VIN."""

    medical_record: tuple[str, ...]
    health_plan: tuple[str, ...]
    account: tuple[str, ...]
    license: tuple[str, ...]
    drivers_license: tuple[str, ...]
    idnum: tuple[str, ...]
    device: tuple[str, ...]
    bioid: tuple[str, ...]
    license_plate: tuple[str, ...]
    vin_characters: str


def _load(name: str) -> dict[str, Any]:
    text = resources.files("fairdeid.corpora.synth").joinpath("data", name).read_text("utf-8")
    return tomllib.loads(text)


@cache
def vocab() -> Vocab:
    """The word lists (loaded on first use, then shared)."""
    clinical, people = _load("clinical.toml"), _load("people.toml")
    return Vocab(
        complaints=tuple(clinical["complaints"]),
        conditions=tuple(clinical["conditions"]),
        drugs=tuple(
            Drug(d["name"], tuple(d["strengths"]), d["unit"], tuple(d["routes"]))
            for d in clinical["drugs"]
        ),
        frequencies=tuple(clinical["frequencies"]),
        exam_findings=tuple(clinical["exam_findings"]),
        labs=tuple(
            Lab(lab["name"], lab["low"], lab["high"], lab["unit"], lab["digits"])
            for lab in clinical["labs"]
        ),
        icd_codes=tuple(IcdCode(i["code"], i["description"]) for i in clinical["icd_codes"]),
        scores=tuple(clinical["scores"]),
        procedures=tuple(clinical["procedures"]),
        imaging=tuple(Imaging(i["exam"], i["finding"]) for i in clinical["imaging"]),
        pathology_specimens=tuple(
            Specimen(s["specimen"], s["diagnosis"]) for s in clinical["pathology_specimens"]
        ),
        nursing_observations=tuple(clinical["nursing_observations"]),
        plan_items=tuple(clinical["plan_items"]),
        ros_items=tuple(clinical["ros_items"]),
        typos=MappingProxyType(dict(clinical["typos"])),
        professions=tuple(people["professions"]),
        departments=tuple(people["departments"]),
        inpatient_units=tuple(people["inpatient_units"]),
        relations=tuple(people["relations"]),
        organization_heads=tuple(people["organization_heads"]),
        organization_tails=tuple(people["organization_tails"]),
        landmark_tails=tuple(people["landmark_tails"]),
        email_domains=tuple(people["email_domains"]),
        holidays=tuple(people["holidays"]),
        wordlike_names=frozenset(people["wordlike_names"]),
    )


@cache
def id_formats() -> IdFormats:
    """The identifier formats (loaded on first use, then shared)."""
    raw = _load("formats.toml")
    lists = {key: tuple(value) for key, value in raw.items() if key != "vin_characters"}
    return IdFormats(**lists, vin_characters=raw["vin_characters"])
