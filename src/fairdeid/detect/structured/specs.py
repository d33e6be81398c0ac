"""Reading the structured readers' packaged data files: one loader, checked once per reader.

The HL7, FHIR, DICOM, XML, EDIFACT, ASTM and vCard readers are driven by a TOML of this
package's ``data`` folder (which fields, elements or tags hold PHI, and with which label). What
they share is here: reading the file, walking to a table, checking every label against the
taxonomy, and naming the file and table in the error when one is wrong, so a bad data file
fails when the pipeline is built, never per note. Each reader keeps its own frozen spec
dataclass and its own ``load_spec`` (cached there) that builds it from a ``SpecFile``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

from fairdeid.taxonomy import ALL_LABELS


def load_data(name: str) -> dict[str, Any]:
    """A TOML file of this package's ``data`` folder."""
    source = resources.files("fairdeid.detect.structured").joinpath("data", name)
    return tomllib.loads(source.read_text("utf-8"))


def labels(table: Mapping[str, object], where: str) -> dict[str, str]:
    """A data file's ``key = "LABEL"`` table, each label checked against the taxonomy."""
    return {str(k): check_label(str(v), where) for k, v in table.items()}


def check_label(label: str, where: str) -> str:
    """``label`` if the taxonomy knows it; data files are checked when they load, not per note."""
    if label not in ALL_LABELS:
        from fairdeid.errors import ConfigError

        raise ConfigError(f"{where}: unknown label {label!r}")
    return label


def typed(value: object, types: frozenset[str], where: str) -> tuple[str, str]:
    """A ``"TYPE LABEL"`` entry (``"XPN PATIENT"``, ``"DATE"``) as ``(type, label)``, both
    checked; ``""`` when it names no label (the type alone says what the value is)."""
    kind, _, label = str(value).partition(" ")
    if kind not in types:
        from fairdeid.errors import ConfigError

        raise ConfigError(f"{where}: unknown type {kind!r}")
    return kind, check_label(label, where) if label else ""


class SpecFile:
    """One packaged data file, read when made; its tables by path (``"pna", "id_types"``).

    Why a class: every reader asks the same three things of its file (a list as a set, a
    ``key = "LABEL"`` table checked, a raw value) and names ``file [table.sub]`` in errors.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.data = load_data(name)

    def where(self, *path: str) -> str:
        """``"xml.toml [dates.elements]"``: where an entry of ``path`` sits, for errors."""
        return f"{self.name} [{'.'.join(path)}]"

    def get(self, *path: str, default: Any = ()) -> Any:
        """The value at ``path``; ``default`` when its last key is missing (a missing table
        on the way reads as empty)."""
        node: Mapping[str, Any] = self.data
        for key in path[:-1]:
            node = node.get(key, {})
        return node.get(path[-1], default)

    def words(self, *path: str) -> frozenset[str]:
        """The list at ``path`` as a set (empty when missing)."""
        return frozenset(self.get(*path))

    def labels(self, *path: str) -> dict[str, str]:
        """The ``key = "LABEL"`` table at ``path``, each label checked (empty when missing)."""
        return labels(self.get(*path, default={}), self.where(*path))
