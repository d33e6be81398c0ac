# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Reports: radiology, pathology and laboratory.
"""

from __future__ import annotations

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.notes.blocks import header
from fairdeid.corpora.synth.templates import render
from fairdeid.corpora.synth.vocab import vocab


def radiology_report(ctx: NoteContext) -> None:
    rng = ctx.rng
    exam, finding = rng.choice(vocab().imaging)
    header(ctx, "Radiology Report")
    render(
        ctx,
        rng.choice(
            (
                "Patient: {PT_COMMA}   MRN: {MRN}   DOB: {DOB}\nAccession #: {IDNUM}\n",
                "{PT_COMMA} ({MRN})\nExam date: {DATE} {TIME}   Accession {IDNUM}\n",
                "NAME: {PT_COMMA}\nMR#: {MRN}\nORDERING: {DOC}\nDATE OF EXAM: {DATE}\n",
            )
        ),
    )
    ctx.raw(f"\nEXAM: {exam}\n")
    ctx.section("clin")
    render(ctx, "{AGE} {SEX} with {CC}. {COND}.\n")
    ctx.section("tech")
    ctx.raw(
        rng.choice(
            (
                "Standard protocol. Dose length product 812 mGy-cm.\n",
                "Axial images obtained; coronal and sagittal reformats.\n",
                "Two views obtained.\n",
                "Multiplanar multisequence imaging performed.\n",
            )
        )
    )
    ctx.section("comp")
    render(
        ctx,
        rng.choice(
            ("{DATE_PAST}\n", "None.\n", "Outside study from {OTHER_HOSP} dated {DATE_PAST}.\n")
        ),
    )
    ctx.section("find")
    ctx.raw(
        finding
        + " "
        + rng.choice(
            (
                "Visualized osseous structures are intact. ",
                "No acute fracture. ",
                "Degenerative changes of the spine. ",
                "",
            )
        )
        + "\n"
    )
    if rng.random() < 0.3:
        ctx.raw("Device: ")
        render(ctx, "pacemaker generator, serial {DEV}, leads intact.\n")
    ctx.section("imp")
    ctx.items(
        [
            finding.split(".")[0] + ".",
            rng.choice(
                (
                    "Clinical correlation recommended.",
                    "Follow-up CT in 12 months per Fleischner criteria.",
                )
            ),
        ]
    )
    render(
        ctx,
        rng.choice(
            (
                "\nFindings discussed with {DOC} by telephone at {TIME} on {DATE}.\n",
                "\nRead by: {ATT}\n",
                "\nResident: {DOC_NT}\nAttending: {ATT}\nImages viewed from workstation {IP}.\n",
            )
        ),
    )


def pathology_report(ctx: NoteContext) -> None:
    rng = ctx.rng
    spec, dx = rng.choice(vocab().pathology_specimens)
    header(ctx, "Surgical Pathology Report")
    render(
        ctx,
        "Patient: {PT_COMMA}    MRN: {MRN}\nCase #: {IDNUM}    Collected: {DATE_RECENT}    Received: {DATE}\n",
    )
    render(ctx, "Submitting physician: {DOC}\n")
    if rng.random() < 0.4:
        render(ctx, "Biobank consent on file; specimen ID {BIO}.\n")
    ctx.section("clin")
    render(ctx, "{AGE} {SEX}. {COND}. {PROC}.\n")
    ctx.section("gross")
    ctx.raw(
        f'Received in formalin labeled with the patient\'s name and "{spec.split(",")[0].lower()}" '
        f"is a tan-pink tissue fragment measuring {rng.randint(1, 9)}.{rng.randint(0, 9)} x "
        f"{rng.randint(1, 5)}.{rng.randint(0, 9)} x 0.{rng.randint(2, 9)} cm. Entirely submitted in "
        f"cassettes A1-A{rng.randint(1, 6)}.\n"
    )
    ctx.section("micro")
    ctx.raw(
        rng.choice(
            (
                "Sections show the findings summarized below. ",
                "Immunostains: CK7+, CK20-, TTF-1+. ",
                "Ki-67 approximately 15%. ",
            )
        )
        + "\n"
    )
    ctx.section("final")
    ctx.raw(f"{spec.upper()}:\n")
    ctx.items([dx])
    render(
        ctx,
        rng.choice(
            (
                "\nPathologist: {ATT}\nSigned out {DATE}\n",
                "\nI have personally reviewed the slides. {ATT}, {DATE}\n",
            )
        ),
    )


def lab_report(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(
        ctx,
        rng.choice(
            (
                "LABORATORY REPORT\n{HOSP} Clinical Laboratory\n",
                "Lab Results\n",
                "{HOSP} - Dept of {DEPT}\nCUMULATIVE LAB REPORT\n",
            )
        ),
    )
    render(ctx, "Patient: {PT_COMMA}  MRN: {MRN}  DOB: {DOB}  Sex: ")
    ctx.raw("F" if ctx.patient.person.gender == "female" else "M")
    render(ctx, "\nOrdering: {DOC}   Specimen #: {IDNUM}\nCollected: {DATE} {TIME}\n\n")
    ctx.raw("Test            Result   Units        Ref range\n")
    for lab in rng.sample(vocab().labs, rng.randint(5, 12)):
        name, lo, hi, unit, digits = lab
        value = rng.uniform(lo, hi)
        ref_lo, ref_hi = lo + 0.2 * (hi - lo), lo + 0.7 * (hi - lo)
        flag = " H" if value > ref_hi else " L" if value < ref_lo else ""
        shown = f"{value:.{digits}f}" if digits else str(round(value))
        ref = (
            f"{ref_lo:.{digits}f}-{ref_hi:.{digits}f}"
            if digits
            else f"{round(ref_lo)}-{round(ref_hi)}"
        )
        ctx.raw(f"{name:<15} {shown + flag:<8} {unit:<12} {ref}\n")
    if rng.random() < 0.3:
        render(ctx, "\nSpecimen linked to biometric ID {BIO} at collection.\n")
    render(
        ctx,
        rng.choice(
            (
                "\nCritical value called to {STAFF} at {TIME} by {USER}.\n",
                "\nVerified by: {USER}\n",
                "\nResults available at {URL}\n",
                "\nPerformed at {HOSP}, {SITE_CITY}, {COUNTRY}.\n",
            )
        ),
    )
