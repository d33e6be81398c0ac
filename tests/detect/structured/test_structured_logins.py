"""Logins in brackets after their owner's name, and their other mentions (invented tickets)."""

from __future__ import annotations

from fairdeid.detect.structured import logins


def _found(text: str) -> list[str]:
    return [text[h.start : h.end] for h in logins.find(text)]


def test_a_login_made_from_the_name_and_its_other_mentions() -> None:
    text = ("Richiedente: Giulia Ferraresi (gferraresi) - Coord. inf.\n"
            "Assegnatario: Paolo De Santis (desantis_p2)\n"
            "20/11/2026 09:02 - gferraresi (commento)\nok, chiudo. desantis_p2\n")
    assert sorted(_found(text)) == ["desantis_p2", "desantis_p2", "gferraresi", "gferraresi"]


def test_brackets_that_hold_no_login_of_the_name() -> None:
    # a role, a drug, a word: not made from the name before it
    text = ("Dr. Anna Weber (oberärztin), Ramipril (morgens), Herr Kaya (dolmetscher)\n"
            "Pflege: Jonas Brandt (jb)\n")
    assert _found(text) == []
