"""Sentence templates: strings with ``{SLOT}`` markers, and the handlers that fill the slots.

``render`` splits a template once (cached) and calls a slot handler per marker, which appends
plain text or a PHI span through the note context. So a template can never produce a span whose
offsets were not recorded while writing it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from fairdeid.corpora.synth.context import MONTHS, WEEKDAYS, NoteContext
from fairdeid.corpora.synth.stress import STRESS_SLOTS, stress_vocab
from fairdeid.corpora.synth.vocab import id_formats, vocab
from fairdeid.locales import fill_format
from fairdeid.replace.surrogates.shape import to_ascii

Handler = Callable[[NoteContext], None]

# --------------------------------------------------------------------------------------------
# Slot handlers
# --------------------------------------------------------------------------------------------


def _phi_attr(attr: str, label: str) -> Handler:
    return lambda ctx: ctx.phi(str(getattr(ctx.patient, attr)), label)


def _rel_name(ctx: NoteContext) -> None:
    _, person = ctx.rng.choice(ctx.patient.relatives)
    form = ctx.rng.choice(("full", "full", "first", "title_last", "full_middle"))
    ctx.name(person, "PATIENT", form)


def _rel_word(ctx: NoteContext) -> None:
    ctx.raw(ctx.patient.relatives[0][0])


def _rel_both(ctx: NoteContext) -> None:
    relation, person = ctx.rng.choice(ctx.patient.relatives)
    ctx.raw(f"{relation} ")
    ctx.name(person, "PATIENT", ctx.rng.choice(("full", "first", "full")))


def _other_hospital(ctx: NoteContext) -> None:
    ctx.phi(ctx.fresh("HOSPITAL", ctx.any_locale()), "HOSPITAL")


def _country(ctx: NoteContext) -> None:
    if ctx.rng.random() < 0.5:
        ctx.phi(ctx.patient.country, "COUNTRY")
    else:
        ctx.phi(ctx.fresh("COUNTRY", ctx.any_locale()), "COUNTRY")


def _city_other(ctx: NoteContext) -> None:
    ctx.phi(ctx.fresh("CITY", ctx.any_locale()), "CITY")


def _weekday(ctx: NoteContext) -> None:
    today = ctx.rng.random() < 0.5
    ctx.phi(WEEKDAYS[ctx.day.weekday()] if today else ctx.rng.choice(WEEKDAYS), "DATE")


def _lab(ctx: NoteContext) -> None:
    lab = ctx.rng.choice(vocab().labs)
    ctx.raw(f"{lab.name} {ctx.lab_value(lab)}")


def _icd(ctx: NoteContext) -> None:
    code, text = ctx.rng.choice(vocab().icd_codes)
    ctx.raw(ctx.rng.choice((f"{text} ({code})", f"{code} {text}", f"{text}, ICD-10 {code}")))


def _email(ctx: NoteContext) -> None:
    ctx.phi(ctx.patient.email, "EMAIL")


def _doc_email(ctx: NoteContext) -> None:
    doctor = ctx.attending
    slug = re.sub(r"[^a-z0-9]+", "", to_ascii(ctx.patient.hospital).lower())[:12] or "hospital"
    ctx.phi(f"{to_ascii(doctor.first[:1] + doctor.last).lower()}@{slug}.org", "EMAIL")


def _license(ctx: NoteContext) -> None:
    ctx.phi(fill_format(ctx.rng.choice(id_formats().license), ctx.rng), "LICENSE")


def _n(lo: int, hi: int) -> Handler:
    return lambda ctx: ctx.raw(str(ctx.rng.randint(lo, hi)))


def _pick(options: Sequence[str]) -> Handler:
    return lambda ctx: ctx.raw(ctx.rng.choice(options))


def _age_rel(ctx: NoteContext) -> None:
    ctx.phi(str(ctx.rng.randint(45, 96)), "AGE")


def _doctor_last_name(ctx: NoteContext) -> None:
    ctx.name(ctx.rng.choice(ctx.patient.doctors), "DOCTOR", "last", title=False)


def _pt_native(ctx: NoteContext) -> None:
    """The patient's name in native script, in parentheses, when the locale has one."""
    person = ctx.patient.person
    if person.native and ctx.rng.random() < 0.5:
        ctx.raw(" (")
        ctx.phi(person.native, "PATIENT", dict(person.attrs, script="native"))
        ctx.raw(")")


def _pharmacy(ctx: NoteContext) -> None:
    rng = ctx.rng
    org_head = rng.choice(vocab().organization_heads)
    head = rng.choice((org_head, ctx.source.person().last, "Community", "Family"))
    kinds = ("Pharmacy", "Drugs", "Pharmacy #" + str(rng.randint(2, 999)), "Chemists")
    ctx.phi(f"{head} {rng.choice(kinds)}", "ORGANIZATION")


def _travel(ctx: NoteContext) -> None:
    """A city and the country it is in (both from one locale pool)."""
    locale = ctx.any_locale()
    ctx.phi(ctx.fresh("CITY", locale), "CITY")
    ctx.raw(", ")
    ctx.phi(ctx.fresh("COUNTRY", locale), "COUNTRY")


def _lab_trend(ctx: NoteContext) -> None:
    lab = ctx.rng.choice(vocab().labs)
    first, second = sorted((ctx.lab_value(lab), ctx.lab_value(lab)), key=float, reverse=True)
    trend = ctx.rng.choice(("improved", "trended down", "decreased"))
    ctx.raw(f"{lab.name} {trend} from {first} to {second}")


def _date_range(ctx: NoteContext) -> None:
    """Two dates in one shape ("3/4-3/8", "Mar 4 to Mar 8"): each is its own DATE span."""
    first = ctx.day - dt.timedelta(days=ctx.rng.randint(5, 60))
    last = first + dt.timedelta(days=ctx.rng.randint(1, 10))
    shape: Callable[[dt.date], str]
    if ctx.rng.random() < 0.5:
        shape = lambda day: f"{day.month}/{day.day}"  # noqa: E731
    else:
        shape = lambda day: f"{MONTHS[day.month - 1][:3]} {day.day}"  # noqa: E731
    ctx.phi(shape(first), "DATE")
    ctx.raw(ctx.rng.choice(("-", " - ", " to ", " through ")))
    ctx.phi(shape(last), "DATE")


SLOTS: dict[str, Handler] = {
    "PT": lambda ctx: ctx.patient_name(),
    "PT_FULL": lambda ctx: ctx.patient_name("full"),
    "PT_TITLE": lambda ctx: ctx.patient_name("title_last"),
    "PT_FIRST": lambda ctx: ctx.patient_name("first"),
    "PT_COMMA": lambda ctx: ctx.patient_name(ctx.rng.choice(("last_comma", "caps_comma"))),
    "DOC": lambda ctx: ctx.doctor_name(),
    "ATT": lambda ctx: ctx.doctor_name(ctx.attending),
    "DOC_NT": lambda ctx: ctx.name(ctx.rng.choice(ctx.patient.doctors), "DOCTOR", "full"),
    "STAFF": lambda ctx: ctx.name(
        ctx.rng.choice(ctx.patient.staff), "DOCTOR", ctx.rng.choice(("full", "first", "full"))
    ),
    "AGE": lambda ctx: ctx.age_phrase(),
    "AGE_N": lambda ctx: ctx.phi(str(ctx.age), "AGE"),
    "AGE_REL": _age_rel,
    "SEX": lambda ctx: ctx.raw(ctx.sex_word),
    "HE": lambda ctx: ctx.raw(ctx.he),
    "HIS": lambda ctx: ctx.raw(ctx.his),
    "HE_CAP": lambda ctx: ctx.raw(ctx.he.capitalize()),
    "HIS_CAP": lambda ctx: ctx.raw(ctx.his.capitalize()),
    "CONDS": lambda ctx: ctx.raw(", ".join(ctx.conditions(ctx.rng.randint(2, 4)))),
    "COND": lambda ctx: ctx.raw(ctx.rng.choice(vocab().conditions)),
    "CC": lambda ctx: ctx.raw(ctx.rng.choice(vocab().complaints)),
    "DAYS": _n(1, 14),
    "N": _n(2, 6),
    "DATE": lambda ctx: ctx.date(),
    "DATE_PAST": lambda ctx: ctx.rel_date(ctx.rng.randint(60, 3000)),
    "DATE_RECENT": lambda ctx: ctx.rel_date(ctx.rng.randint(1, 12)),
    "DATE_SHORT": lambda ctx: ctx.rel_date(ctx.rng.randint(1, 900), short=True),
    "DATE_FUT": lambda ctx: ctx.rel_date(-ctx.rng.randint(7, 90)),
    "YEAR": lambda ctx: ctx.phi(str(ctx.day.year - ctx.rng.randint(1, 15)), "DATE"),
    "DOB": lambda ctx: ctx.date(ctx.patient.dob),
    "WEEKDAY": _weekday,
    "HOLIDAY": lambda ctx: ctx.phi(ctx.rng.choice(vocab().holidays), "DATE"),
    "HOSP": lambda ctx: ctx.hospital(),
    "OTHER_HOSP": _other_hospital,
    "CITY": _phi_attr("city", "CITY"),
    "SITE_CITY": _phi_attr("site_city", "CITY"),
    "CITY_OTHER": _city_other,
    "STATE": _phi_attr("state", "STATE"),
    "COUNTRY": _country,
    "STREET": _phi_attr("street", "STREET"),
    "ZIP": _phi_attr("zip", "ZIP"),
    "ADDR": lambda ctx: ctx.address_block(one_line=True),
    "ADDR_BLOCK": lambda ctx: ctx.address_block(one_line=False),
    "DRUG": lambda ctx: ctx.raw(ctx.drug()),
    "DRUG_NAME": lambda ctx: ctx.raw(ctx.rng.choice(vocab().drugs)[0]),
    "VITALS": lambda ctx: ctx.raw(ctx.vitals()),
    "SCORE": lambda ctx: ctx.raw(ctx.score()),
    "EXAM": lambda ctx: ctx.raw(ctx.rng.choice(vocab().exam_findings)),
    "PROC": lambda ctx: ctx.raw(ctx.rng.choice(vocab().procedures)),
    "REL": _rel_word,
    "REL_NAME": _rel_name,
    "REL_BOTH": _rel_both,
    "PROF": lambda ctx: ctx.phi(ctx.patient.profession, "PROFESSION"),
    "ORG": lambda ctx: ctx.organization(),
    "LANDMARK": lambda ctx: ctx.landmark(),
    "ROOM": lambda ctx: ctx.room(),
    "DEPT": lambda ctx: ctx.department(),
    "PHONE": lambda ctx: ctx.phi(ctx.patient.phone, "PHONE"),
    "SITE_PHONE": lambda ctx: ctx.phone("PHONE"),
    "FAX": lambda ctx: ctx.phone("FAX"),
    "EMAIL": _email,
    "DOC_EMAIL": _doc_email,
    "URL": lambda ctx: ctx.url(),
    "IP": lambda ctx: ctx.ip(),
    "SSN": _phi_attr("ssn", "SSN"),
    "MRN": _phi_attr("mrn", "MEDICALRECORD"),
    "PLAN": _phi_attr("healthplan", "HEALTHPLAN"),
    "ACCT": _phi_attr("account", "ACCOUNT"),
    "LIC": _license,
    "DL": _phi_attr("drivers_license", "LICENSE"),
    "PLATE": _phi_attr("license_plate", "VEHICLE"),
    "VIN": _phi_attr("vin", "VEHICLE"),
    "DEV": _phi_attr("device_sn", "DEVICE"),
    "BIO": _phi_attr("bioid", "BIOID"),
    "IDNUM": lambda ctx: ctx.idnum(),
    "USER": lambda ctx: ctx.staff_username(),
    "PORTAL": _phi_attr("portal_user", "USERNAME"),
    "ICD": _icd,
    "LAB": _lab,
    "PAIN": _n(0, 10),
    "TIME": lambda ctx: ctx.raw(
        f"{ctx.rng.randint(0, 23):02d}:{ctx.rng.choice(('00', '15', '30', '45', '12', '52'))}"
    ),
    "ROS": lambda ctx: ctx.raw(", ".join(ctx.rng.sample(vocab().ros_items, ctx.rng.randint(3, 6)))),
    "PLAN_ITEM": lambda ctx: ctx.raw(ctx.rng.choice(vocab().plan_items)),
    "NURSE_OBS": lambda ctx: ctx.raw(ctx.rng.choice(vocab().nursing_observations)),
    "SMOKE": _pick(
        (
            "Never smoker.",
            "Former smoker, quit 10 years ago, 20 pack-years.",
            "Current smoker, 1/2 ppd.",
            "Denies tobacco, EtOH socially.",
            "Drinks 2-3 beers/week; no illicit drugs.",
            "Quit smoking; no IVDU.",
        )
    ),
    "LASTDOC": _doctor_last_name,
    "PHARMACY": _pharmacy,
    "TRAVEL": _travel,
    "LAB_TREND": _lab_trend,
    "MF": lambda ctx: ctx.raw("F" if ctx.patient.person.gender == "female" else "M"),
    "DATE_RANGE": _date_range,
    "WARD": lambda ctx: ctx.phi(ctx.rng.choice(vocab().inpatient_units), "DEPARTMENT"),
    "AGE_DECADE": lambda ctx: ctx.phi(f"{max(ctx.age // 10, 2) * 10}s", "AGE"),
    "ANTICOAG": _pick(
    (
        "warfarin 5 mg PO daily",
        "apixaban 5 mg PO BID",
        "enoxaparin 1 mg/kg SC q12h",
        "heparin gtt per protocol",
        "rivaroxaban 20 mg daily with dinner",
    )
),
    "PT_NATIVE": _pt_native,
    "HIM_HER": lambda ctx: ctx.raw("her" if ctx.patient.person.gender == "female" else "him"),
    "ARRIVAL": lambda ctx: ctx.raw(ctx.rng.choice(("EMS", "walk-in", "private vehicle", "police"))),
    # The stress profile's slots (ages in every shape, 500+ professions, institutions, hard
    # negatives); only the stress note types use them.
    **STRESS_SLOTS,
    "PROF_SENTENCE": lambda ctx: render(ctx, ctx.rng.choice(stress_vocab().profession_contexts)),
}

_SLOT_RE = re.compile(r"\{([A-Z_]+)\}")


@lru_cache(maxsize=4096)
def _parse(template: str) -> tuple[tuple[bool, str], ...]:
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _SLOT_RE.finditer(template):
        if m.start() > pos:
            out.append((False, template[pos : m.start()]))
        if m.group(1) not in SLOTS:
            raise KeyError(f"unknown template slot {m.group(1)}")
        out.append((True, m.group(1)))
        pos = m.end()
    if pos < len(template):
        out.append((False, template[pos:]))
    return tuple(out)


def render(ctx: NoteContext, template: str) -> None:
    """Write ``template``, calling a slot handler per ``{SLOT}``."""
    for is_slot, value in _parse(template):
        if is_slot:
            SLOTS[value](ctx)
        else:
            ctx.add(value)


def say(ctx: NoteContext, templates: list[str], k: int = 1, sep: str = " ") -> None:
    """Render ``k`` distinct templates from ``templates``, separated by ``sep``."""
    for i, t in enumerate(ctx.rng.sample(templates, min(k, len(templates)))):
        if i:
            ctx.raw(sep)
        render(ctx, t)
