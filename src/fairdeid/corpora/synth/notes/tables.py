# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Tables and forms: a medication table with prescribers and start dates in its cells, and a
registration face sheet of key:value lines.
"""

from __future__ import annotations

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.templates import render
from fairdeid.corpora.synth.vocab import vocab

_SCHEDULES = ("daily", "BID", "Mon/Wed/Fri", "qHS", "weekly (Sun)", "Tue/Thu", "PRN", "q8h")


def medication_table(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(ctx, rng.choice(("MEDICATION TABLE\n", "Home Medications - {HOSP}\n", "Med Rec ({DATE})\n")))
    render(ctx, "Patient: {PT_COMMA}  DOB: {DOB}  MRN: {MRN}\n\n")
    sep = rng.choice((" | ", "\t", "  "))
    ctx.raw(sep.join(("Medication", "Dose", "Route", "Schedule", "Started", "Prescriber")) + "\n")
    for _ in range(rng.randint(4, 9)):
        name, strengths, unit, routes = rng.choice(vocab().drugs)
        ctx.raw(sep.join((name, f"{rng.choice(strengths)} {unit}", rng.choice(routes), rng.choice(_SCHEDULES))) + sep)
        ctx.rel_date(rng.randint(10, 2000), short=rng.random() < 0.5)
        ctx.raw(sep)
        ctx.name(rng.choice(ctx.patient.doctors), "DOCTOR", rng.choice(("last", "initials", "last_comma", "dr_last")))
        ctx.raw("\n")
    render(ctx, "\n{NEG}\nPharmacy: {PHARMACY}, {SITE_PHONE}\nReconciled by {STAFF} ({USER}) on {DATE}\n")


_FACE_LINES = [
    "Name: {PT_COMMA}",
    "Preferred name: {PT_FIRST}",
    "DOB: {DOB}",
    "{AGE_ANY}",
    "Sex: {MF}",
    "Address: {ADDR}",
    "Home phone: {PHONE}",
    "E-mail: {EMAIL}",
    "Occupation: {PROF_ANY}",
    "Employer: {ORG}",
    "Emergency contact: {REL_BOTH}",
    "Insurance: {PLAN}",
    "Account: {ACCT}",
    "SSN: {SSN}",
    "Driver's license: {DL}",
    "PCP: {DOC}",
    "Referring facility: {INST}",
    "Preferred pharmacy: {PHARMACY}",
    "Country of birth: {COUNTRY}",
    "Portal user: {PORTAL}",
]


def face_sheet(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(ctx, rng.choice(("PATIENT REGISTRATION / FACE SHEET\n", "Face Sheet - {INST}\n", "Demographics\n")))
    render(ctx, "MRN: {MRN}    Registered: {DATE} {TIME}\n")
    lines = rng.sample(_FACE_LINES, rng.randint(9, len(_FACE_LINES)))
    for i, line in enumerate(lines):
        render(ctx, line)
        ctx.raw("   " if i % 2 == 0 and rng.random() < 0.4 else "\n")
    render(ctx, "\nNotes: {NEG} {PROF_SENTENCE}\nRegistered by {USER}\n")
