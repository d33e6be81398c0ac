"""Surrogates of national numbers: another valid number, written the way the original was.

Why it matters: a surrogate note goes into systems that check these numbers (a KVNR or a BSN
with a wrong check digit is refused), and a shape-only surrogate fails those checks nine times
in ten. The round trip below runs the language pack's own rules on the surrogate note: the
national rule that found the original must find its surrogate.
"""

from __future__ import annotations

import random
import re
from functools import cache

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.lang.packs import load_pack
from fairdeid.locales.national_ids import compact, identify, is_valid
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.engine import SurrogateReplacer
from fairdeid.replace.surrogates.ids import Identifiers, national_like, valid_in_format
from fairdeid.replace.surrogates.registry import make_surrogate
from fairdeid.resolve import merge_overlaps

KEY = "k3Yp9-Qz7vT2wLx8mRj4nHs6dFb1cGa5eUo0iYt"

SAMPLES = [
    # (label the rules give it, original, kind, surrogate locale)
    ("HEALTHPLAN", "A123456780", "de.kvnr", "en_US"),
    ("HEALTHPLAN", "A 123 456 780", "de.kvnr", "en_US"),
    ("SSN", "36 574 261 809", "de.idnr", "en_US"),
    ("SSN", "15 070649 C 103", "de.rvnr", "en_US"),
    ("SSN", "1 85 05 78 006 084 91", "fr.nir", "fr_FR"),
    ("SSN", "2 85 05 2A 006 084 82", "fr.nir", "fr_FR"),
    ("SSN", "185057800608491", "fr.nir", "fr_FR"),
    ("SSN", "1112.22.333", "nl.bsn", "en_US"),
    ("SSN", "RSSMRA85T10A562S", "it.codice_fiscale", "en_US"),
    ("SSN", "rssmra85t10a5snt", "it.codice_fiscale", "en_US"),
    ("SSN", "12.345.678-Z", "es.dni", "es_ES"),
    ("SSN", "X-1234567-L", "es.nie", "es_ES"),
    ("HEALTHPLAN", "28/12345678/40", "es.nss", "es_ES"),
    ("IDNUM", "943 476 5919", "gb.nhs", "en_GB"),
    ("SSN", "123-456-782", "ca.sin", "en_CA"),
    ("SSN", "536-22-1234", "us.ssn", "en_US"),
]


def layout(value: str) -> str:
    """The written shape: digits as 9, upper-case letters as A, lower-case as a."""
    return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", value)))


@pytest.mark.parametrize(("label", "original", "kind", "locale"), SAMPLES)
def test_surrogate_is_a_valid_number_of_the_same_kind_and_layout(
    label: str, original: str, kind: str, locale: str
) -> None:
    rng = random.Random(11)
    for _ in range(50):
        fake = make_surrogate(label, original, rng, locale=locale)
        assert fake != original
        assert is_valid(kind, fake), fake
        assert [c for c in fake if not c.isalnum()] == [c for c in original if not c.isalnum()]
        assert len(fake) == len(original)
        if kind != "it.codice_fiscale" and kind != "fr.nir":
            # the codice fiscale may trade an omocodia letter for a digit, the NIR 2A for 20-95
            assert layout(fake) == layout(original), fake
        assert fake.islower() == original.islower()


def test_the_locale_country_decides_between_two_valid_readings() -> None:
    # 123456782 is a valid BSN and a valid SIN
    for locale, kind in (("en_CA", "ca.sin"), ("fr_FR", "nl.bsn")):
        ctx = SurrogateContext(locale=locale)
        fake = national_like("123456782", random.Random(3), ctx)
        assert fake is not None and is_valid(kind, fake)


def test_hospital_numbers_keep_their_plain_shape() -> None:
    ctx = SurrogateContext()
    assert national_like("MRN-20231234", random.Random(1), ctx) is None
    fake = Identifiers().like("MRN-20231234", random.Random(1), ctx)
    assert layout(fake) == layout("MRN-20231234")


@pytest.mark.parametrize(
    ("locale", "fmt", "kind"),
    [
        ("fr_FR", "# ## ## ## ### ### ##", "fr.nir"),
        ("es_ES", "########?", "es.dni"),
        ("es_ES", "?-#######-?", "es.nie"),
        ("es_ES", "##/########/##", "es.nss"),
        ("en_GB", "### ### ####", "gb.nhs"),
        ("en_CA", "### ### ###", "ca.sin"),
    ],
)
def test_locale_formats_of_national_numbers_get_valid_checksums(
    locale: str, fmt: str, kind: str
) -> None:
    from fairdeid.locales import fill_format

    rng = random.Random(4)
    for _ in range(30):
        drawn = fill_format(fmt, rng)
        fake = valid_in_format(drawn, rng, locale)
        assert is_valid(kind, fake), fake
        assert layout(fake).replace("a", "A") == layout(drawn).replace("a", "A")


def test_locale_shape_and_fresh_draw_valid_numbers_from_the_locale_pool() -> None:
    ctx = SurrogateContext(locale="fr_FR", shape="locale")
    rng = random.Random(2)
    gen = Identifiers(national=True)
    drawn = [gen.like("1 85 05 78 006 084 91", rng, ctx) for _ in range(20)]
    drawn += [gen.fresh(rng, ctx) for _ in range(20)]
    nirs = [v for v in drawn if len(compact(v)) == 15]  # fr_FR also has an 8-digit format
    assert nirs and all(is_valid("fr.nir", v) for v in nirs)


@cache
def pack_detector(code: str) -> RuleDetector:
    return RuleDetector.from_config(load_pack(code).config["detectors"]["rules"])


ROUND_TRIP = [
    ("de", "KVNR: A123456780, Steuer-ID 36 574 261 809, RV-Nr. 15 070649 C 103.", "fr_FR"),
    ("fr", "N° de sécurité sociale : 1 85 05 78 006 084 91. Suivi au CHU.", "fr_FR"),
    ("nl", "BSN: 1112.22.333, opgenomen op de afdeling.", "fr_FR"),
    ("it", "Codice fiscale: RSSMRA85T10A562S, ricoverato.", "fr_FR"),
    ("es", "DNI 12.345.678-Z, NIE X-1234567-L, afiliación 28/12345678/40.", "es_ES"),
]


@pytest.mark.parametrize(("lang", "text", "locale"), ROUND_TRIP)
def test_surrogate_note_passes_the_pack_format_checks(lang: str, text: str, locale: str) -> None:
    det = pack_detector(lang)
    doc = Document(id="p1", text=text)
    spans = [s for s in det.detect(doc) if s.label in {"SSN", "HEALTHPLAN"}]
    national = merge_overlaps([s for s in spans if identify(text[s.start:s.end]) is not None])
    assert national, "the note's numbers must be found first"
    out = SurrogateReplacer(locales=[locale], key=KEY).replace(doc, national)
    assert all(text[s.start:s.end] not in out.text for s in national)
    for span, original in zip(out.spans, out.originals, strict=True):
        fake = out.text[span.start:span.end]
        kind = identify(original)
        assert kind is not None and kind.valid(fake), (original, fake)
        # the rule that found the original (checksum included) finds the surrogate
        again = det.detect(Document(id="p1", text=out.text))
        assert any(s.start == span.start and s.end == span.end and s.label == span.label
                   for s in again), fake
