from __future__ import annotations

import pytest

from fairdeid import taxonomy as tx
from fairdeid.errors import UnknownLabelError


def test_every_fine_label_has_a_coarse_category_and_hipaa_entry() -> None:
    for fine, coarse in tx.FINE_TO_COARSE.items():
        assert coarse in tx.COARSE_LABELS
        assert fine in tx.HIPAA_CATEGORY


def test_coarse_mapping() -> None:
    assert tx.coarse("DOCTOR") == "NAME"
    assert tx.coarse("ZIP") == "LOCATION"
    assert tx.coarse("NAME") == "NAME"
    with pytest.raises(UnknownLabelError):
        tx.coarse("PERSON")


def test_map_label_rejects_unmapped() -> None:
    assert tx.map_label("PERSON", {"PERSON": "PATIENT"}) == "PATIENT"
    with pytest.raises(UnknownLabelError, match="no mapping"):
        tx.map_label("GPE", {})


def test_presets() -> None:
    sh = tx.get_preset("safe_harbor")
    lds = tx.get_preset("limited_data_set")
    assert all(sh.removes(label) for label in tx.ALL_LABELS)
    for kept in ("DATE", "CITY", "STATE", "ZIP"):
        assert not lds.removes(kept)
    for removed in ("PATIENT", "STREET", "PHONE", "MEDICALRECORD", "HOSPITAL"):
        assert lds.removes(removed)
    with pytest.raises(UnknownLabelError):
        tx.get_preset("nope")


def test_limited_data_set_removes_coarse_location_privacy_first() -> None:
    lds = tx.get_preset("limited_data_set")
    assert lds.removes("LOCATION")  # could be a street: no fine label known, so it goes
    assert not lds.removes("CITY") and lds.removes("STREET")
