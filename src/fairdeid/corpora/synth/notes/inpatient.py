# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Inpatient notes: discharge summary, progress note, nursing note.
"""

from __future__ import annotations

from functools import partial

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.notes.blocks import (
    header,
    history_sections,
    id_block,
    labs_block,
    meds_list,
    signature,
)
from fairdeid.corpora.synth.notes.sentences import AP_ITEMS, COURSE, HPI_MORE, HPI_OPEN
from fairdeid.corpora.synth.templates import render, say
from fairdeid.corpora.synth.vocab import vocab


def discharge_summary(ctx: NoteContext) -> None:
    header(
        ctx, ctx.rng.choice(("Discharge Summary", "DISCHARGE SUMMARY", "Discharge Summary - Inpatient"))
    )
    id_block(ctx, admit=True)
    ctx.section("cc")
    render(ctx, "{CC}\n")
    ctx.section("hpi")
    say(ctx, HPI_OPEN)
    ctx.raw(" ")
    say(ctx, HPI_MORE, ctx.rng.randint(2, 5))
    ctx.nl()
    history_sections(ctx)
    if ctx.rng.random() < 0.5:
        ctx.section("psh")
        ctx.items([partial(render, ctx, "{PROC} ({YEAR})") for _ in range(ctx.rng.randint(1, 3))])
    if ctx.rng.random() < 0.6:
        ctx.section("ros")
        render(ctx, "Negative except as in HPI. Specifically denies {ROS}.\n")
    ctx.section("exam")
    render(ctx, "{VITALS}\n")
    ctx.items([ctx.rng.choice(vocab().exam_findings) for _ in range(ctx.rng.randint(2, 5))])
    ctx.section("labs")
    labs_block(ctx)
    ctx.section("course")
    say(ctx, COURSE, ctx.rng.randint(2, 5))
    ctx.nl()
    ctx.section("dx")
    ctx.items([partial(render, ctx, "{ICD}") for _ in range(ctx.rng.randint(1, 3))])
    meds_list(ctx, "dcmeds")
    ctx.section("fu")
    render(
        ctx,
        ctx.rng.choice(
            (
                "Follow up with {DOC} on {DATE_FUT}. Call {SITE_PHONE} with questions.\n",
                "PCP: {DOC}, {SITE_PHONE}. Appointment {DATE_FUT} at {TIME}.\n",
                "Return to {DEPT} clinic in {N} weeks. Results will be posted at {URL}.\n",
            )
        ),
    )
    ctx.section("dispo")
    render(
        ctx,
        ctx.rng.choice(
            (
                "Home with services.\n",
                "Discharged to {LANDMARK}.\n",
                "Skilled nursing facility ({OTHER_HOSP}).\n",
                "Home with {HIS} {REL}.\n",
            )
        ),
    )
    signature(ctx)


def progress_note(ctx: NoteContext) -> None:
    header(
        ctx,
        ctx.rng.choice(("Progress Note", "Daily Progress Note", "PROGRESS NOTE - Hospital Medicine")),
    )
    if ctx.rng.random() < 0.5:
        id_block(ctx)
    else:
        render(ctx, "Date: {DATE}   Room {ROOM}   Hospital day #{N}\n")
    ctx.section("subj")
    say(
        ctx,
        [
            "{PT_FIRST} reports feeling better today; pain {PAIN}/10. Slept well.",
            "No acute events overnight. {HE_CAP} denies {ROS}.",
            "Pt c/o {CC} overnight, given {DRUG_NAME}. {HIS_CAP} {REL} at bedside.",
            "{PT_TITLE} states {HE} wants to go home by {WEEKDAY}.",
            "Overnight, cross-covering team ({DOC}) was called for {CC}.",
            "Seen and examined at bedside with {DOC_NT} (resident).",
            "{HIS_CAP} {REL}, {REL_NAME}, is at bedside and asks about rehab at {LANDMARK}.",
            "{PT_FIRST} is frustrated with the length of stay; wants to be home for {HOLIDAY}.",
            "Tolerating PO, +flatus, no BM since {WEEKDAY}.",
        ],
        ctx.rng.randint(1, 2),
    )
    ctx.section("obj")
    render(ctx, "{VITALS}\n")
    ctx.items([ctx.rng.choice(vocab().exam_findings) for _ in range(ctx.rng.randint(2, 4))])
    labs_block(ctx)
    ctx.section("ap")
    render(ctx, "{AGE} {SEX} with {CONDS} admitted for {CC}.\n")
    ctx.items([partial(render, ctx, t) for t in ctx.rng.sample(AP_ITEMS, ctx.rng.randint(2, 5))])
    signature(ctx)


def nursing_note(ctx: NoteContext) -> None:
    rng = ctx.rng
    if rng.random() < 0.5:
        render(ctx, "NURSING NOTE {DATE} {TIME}\nPt: {PT}  Rm {ROOM}  MRN {MRN}\n\n")
    else:
        render(ctx, "Nursing Shift Assessment - {DEPT}\nDate/Time: {DATE} {TIME}\n\n")
    say(
        ctx,
        [
            "{PT_TITLE} is alert and oriented x3.",
            "Received pt from {WARD} at {TIME}.",
            "{HIS_CAP} {REL_BOTH} visited and asked for an update; call back at {PHONE}.",
            "Pt ambulated to the window overlooking {LANDMARK}.",
            "VS: {VITALS}.",
            "Fingerstick glucose 212, 4 units lispro given per sliding scale.",
            "Pt's {REL} brought home medication list; reconciled with pharmacy ({USER}).",
            "Report given to oncoming RN {STAFF}.",
            "Pt's {REL} {REL_NAME} stayed at bedside overnight.",
            "Pt oriented to name ({PT_FIRST}) but not to place or date.",
            "{DOC} notified re: SBP 88; 500 mL NS bolus given per order.",
            "Pt transferred to {WARD}, room {ROOM}, at {TIME}.",
            "Pt prefers to be called {PT_FIRST}.",
            "Chaplain visit requested by {HIS} {REL}.",
            "Plan of care reviewed with charge RN {STAFF}.",
            "Pt worried about {HIS} job at {ORG}; SW consult placed.",
            "Pt in {HIS} {AGE_DECADE}, hard of hearing; uses hearing aids.",
            "Admission weight 72.4 kg. Pt refused 0600 labs, {DOC} aware.",
        ],
        rng.randint(3, 6),
    )
    ctx.nl()
    ctx.items(rng.sample(vocab().nursing_observations, rng.randint(3, 7)))
    render(
        ctx, rng.choice(("\n-- {STAFF}, RN\n", "\nSigned: {USER} (RN)\n", "\n{STAFF} RN / {TIME}\n"))
    )
