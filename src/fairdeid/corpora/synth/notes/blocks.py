# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Blocks several note types share: letterhead, patient identification, signature, lists.
"""

from __future__ import annotations

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.notes.sentences import FAMILY, SOCIAL
from fairdeid.corpora.synth.templates import render, say
from fairdeid.corpora.synth.vocab import vocab


def header(ctx: NoteContext, title: str) -> None:
    rng = ctx.rng
    v = rng.randrange(5)
    if v == 0:
        render(ctx, "{HOSP}\n")
        ctx.raw(f"{title}\n\n")
    elif v == 1:
        render(ctx, "{HOSP} - Department of {DEPT}\n{SITE_CITY}\nTel: {SITE_PHONE}   Fax: {FAX}\n")
        ctx.raw(f"\n{title.upper()}\n\n")
    elif v == 2:
        ctx.raw("*** ")
        render(ctx, "{HOSP}")
        ctx.raw(f" ***\n{title.upper()}\n")
        ctx.raw("=" * (len(title) + 2) + "\n")
    elif v == 3:
        ctx.raw(f"{title}\n")
        render(ctx, "Facility: {HOSP}, {SITE_CITY}\n\n")
    else:
        ctx.raw(f"{title.upper()}\n\n")


def id_block(ctx: NoteContext, *, admit: bool = False) -> None:
    rng = ctx.rng
    v = rng.randrange(5)
    if v == 0:
        render(ctx, "Patient: {PT_COMMA}{PT_NATIVE}\nMRN: {MRN}\nDOB: {DOB}\n")
        if admit:
            render(ctx, "Admission Date: {DATE_RECENT}\nDischarge Date: {DATE}\n")
        else:
            render(ctx, "Date of Service: {DATE}\n")
    elif v == 1:
        render(ctx, "{PT_COMMA} | MRN {MRN} | DOB {DOB} | {AGE_N}{MF} | Acct# {ACCT}\n")
        if admit:
            render(ctx, "Adm: {DATE_RECENT}  D/C: {DATE}\n")
    elif v == 2:
        ctx.raw("Name: ")
        render(ctx, "{PT}{PT_NATIVE}")
        ctx.raw(" " * rng.randint(2, 8))
        render(ctx, "Unit No: {MRN}\nDOB: {DOB} (Age: {AGE_N})   Sex: ")
        ctx.raw("F" if ctx.patient.person.gender == "female" else "M")
        ctx.raw("\n")
        render(ctx, "Attending: {ATT}   Service: {DEPT}\n")
        if admit:
            render(ctx, "Admitted: {DATE_RECENT}   Discharged: {DATE}   Room: {ROOM}\n")
    elif v == 3:
        render(ctx, "PATIENT NAME: {PT_COMMA}\nMEDICAL RECORD #: {MRN}\nACCOUNT #: {ACCT}\n")
        render(ctx, "DATE OF BIRTH: {DOB}\nSSN: {SSN}\nINSURANCE: {PLAN}\n")
        if admit:
            render(ctx, "DATE OF ADMISSION: {DATE_RECENT}\nDATE OF DISCHARGE: {DATE}\n")
    else:
        render(ctx, "Re: {PT} (DOB {DOB}), MRN {MRN}\n")
    ctx.nl()


def signature(ctx: NoteContext) -> None:
    rng = ctx.rng
    v = rng.randrange(6)
    ctx.nl()
    if v == 0:
        render(ctx, "Electronically signed by {ATT} on {DATE} at {TIME}\n")
    elif v == 1:
        render(ctx, "Dictated by: {ATT}\nTranscribed by: {USER}\nD: {DATE}  T: {DATE}\n")
    elif v == 2:
        render(ctx, "{ATT}\n{DEPT}, {HOSP}\nPager {SITE_PHONE}\n")
    elif v == 3:
        render(ctx, "Signed: {ATT} (Lic. {LIC})\ncc: {DOC}\n")
    elif v == 4:
        render(
            ctx,
            "Attending attestation: I saw and examined the patient with the resident, {DOC_NT}, and agree with the plan. -- {ATT}\n",
        )
    else:
        render(ctx, "Entered by: {USER} on {DATE} {TIME}\nCosigned: {ATT}\n")


def meds_list(ctx: NoteContext, key: str = "meds") -> None:
    ctx.section(key)
    rng = ctx.rng
    k = rng.randint(3, 8)
    if rng.random() < 0.3:
        ctx.raw("Medication                      Dose        Route  Freq\n")
        for _ in range(k):
            name, strengths, unit, routes = rng.choice(vocab().drugs)
            dose = f"{rng.choice(strengths)} {unit}"
            ctx.raw(f"{name:<32}{dose:<12}{rng.choice(routes):<7}{rng.choice(vocab().frequencies)}\n")
    else:
        ctx.items([ctx.drug() for _ in range(k)])


def labs_block(ctx: NoteContext) -> None:
    rng = ctx.rng
    labs = rng.sample(vocab().labs, rng.randint(4, 10))
    if rng.random() < 0.5:
        ctx.raw(", ".join(f"{lab.name} {ctx.lab_value(lab)}" for lab in labs) + "\n")
    else:
        for lab in labs:
            ctx.raw(f"{lab.name:<12} {ctx.lab_value(lab):>7} {lab.unit}\n")


def history_sections(ctx: NoteContext) -> None:
    ctx.section("pmh")
    ctx.items(ctx.conditions(ctx.rng.randint(2, 5)))
    ctx.section("all")
    ctx.raw(
        ctx.rng.choice(
            (
                "NKDA\n",
                "Penicillin (rash)\n",
                "Sulfa - hives\n",
                "No known drug allergies.\n",
                "Codeine (nausea), latex\n",
            )
        )
    )
    ctx.section("sh")
    say(ctx, SOCIAL)
    ctx.nl()
    if ctx.rng.random() < 0.6:
        ctx.section("fh")
        say(ctx, FAMILY)
        ctx.nl()
