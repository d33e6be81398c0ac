"""`fairdeid.io.fingerprint`: one content and settings fingerprint for deidentify and batch."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from fairdeid.io.fingerprint import (
    ContentHasher,
    file_fingerprint,
    file_sha256,
    key_check,
    settings_digest,
)
from fairdeid.io.readers import read_input


def test_the_fingerprint_sees_a_same_size_edit(tmp_path: Path) -> None:
    src = tmp_path / "notes.jsonl"
    src.write_text('{"id": "a", "text": "Dr. Lee"}\n', encoding="utf-8")
    before = read_input(src).fingerprint
    src.write_text('{"id": "a", "text": "Dr. Lea"}\n', encoding="utf-8")
    assert read_input(src).fingerprint != before


def test_settings_digest_ignores_key_order_and_tolerates_non_json_values() -> None:
    assert settings_digest({"a": 1, "b": [2]}) == settings_digest({"b": [2], "a": 1})
    assert settings_digest({"a": 1}) != settings_digest({"a": 2})
    assert settings_digest({"p": Path("x")}) == settings_digest({"p": "x"})


def test_settings_digest_matches_what_earlier_batch_manifests_recorded() -> None:
    """A rerun after the upgrade must still resume the runs the old code started."""
    import json

    settings = {"chunk_size": 5, "format": "jsonl", "key_id": None, "columns": {"text": "t"}}
    old = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8")).hexdigest()
    assert settings_digest(settings) == old


def test_file_fingerprint_is_the_streamed_sha256_and_size(tmp_path: Path) -> None:
    path = tmp_path / "in.bin"
    path.write_bytes(b"abc" * 1000)
    expected = hashlib.sha256(b"abc" * 1000).hexdigest()
    assert file_sha256(path) == expected
    assert file_fingerprint(path) == {"sha256": expected, "size": 3000}


def test_a_directory_fingerprint_sees_a_renamed_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Dr. Lee", encoding="utf-8")
    before = read_input(tmp_path).fingerprint
    os.rename(tmp_path / "a.txt", tmp_path / "b.txt")
    assert read_input(tmp_path).fingerprint != before


def test_content_hasher_tells_file_boundaries_apart() -> None:
    one, two = ContentHasher(), ContentHasher()
    one.add_file(b"ab")
    two.add_file(b"a")
    two.add_file(b"b")
    assert one.hexdigest() != two.hexdigest()


def test_key_check_depends_on_key_and_purpose_and_hides_the_key() -> None:
    key = b"k" * 32
    check = key_check(key, b"one")
    assert check != key_check(key, b"two") and check != key_check(b"j" * 32, b"one")
    assert key.hex() not in check


def test_a_file_hashed_while_streamed_counts_as_its_bytes() -> None:
    """The streaming reader hashes files by digest: a checkpoint made from the bytes (an older
    version) must still resume."""
    import hashlib

    whole, streamed = ContentHasher(), ContentHasher()
    whole.add_file(b"Seen by Dr. Lee")
    streamed.add_file_digest(hashlib.sha256(b"Seen by Dr. Lee").digest())
    assert whole.hexdigest() == streamed.hexdigest()
