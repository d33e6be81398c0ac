# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Letters between clinicians: referral and consultation.
"""

from __future__ import annotations

from functools import partial

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.notes.blocks import header
from fairdeid.corpora.synth.notes.sentences import AP_ITEMS, HPI_MORE, HPI_OPEN
from fairdeid.corpora.synth.templates import render, say


def referral_letter(ctx: NoteContext) -> None:
    rng = ctx.rng
    header(ctx, "Referral Letter")
    render(ctx, "{DATE}\n\n")
    render(ctx, "{DOC}\n{DEPT}\n{OTHER_HOSP}\n\n")
    render(
        ctx,
        rng.choice(("Dear Dr. {LASTDOC},\n\n", "Dear Colleague,\n\n", "To whom it may concern,\n\n")),
    )
    render(
        ctx,
        rng.choice(
            (
                "Re: {PT} - DOB {DOB} - {ADDR}\n\n",
                "RE: {PT_COMMA}, DOB: {DOB}, NHS/ID no. {MRN}\n\n",
                "Patient: {PT}\nDate of birth: {DOB}\nAddress: {ADDR_BLOCK}\nTel: {PHONE}\n\n",
            )
        ),
    )
    ctx.section("reason")
    render(ctx, "Thank you for seeing {PT_TITLE}, a {AGE} {PROF}, whom I am referring for {CC}. ")
    say(ctx, HPI_MORE, rng.randint(2, 4))
    ctx.raw("\n\n")
    ctx.raw("Current medications:\n")
    ctx.items([ctx.drug() for _ in range(rng.randint(2, 6))])
    render(ctx, "\n{HE_CAP} can be reached at {PHONE} or {EMAIL}. Health plan no. {PLAN}.\n")
    render(
        ctx,
        rng.choice(
            (
                "\nYours sincerely,\n\n{ATT}\n{DOC_EMAIL}\nFax {FAX}\n",
                "\nKind regards,\n{ATT}\nGeneral Practitioner, {HOSP}\n",
                "\nBest,\n{ATT}\nDEA {LIC}\n",
            )
        ),
    )


def consult_letter(ctx: NoteContext) -> None:
    rng = ctx.rng
    header(ctx, rng.choice(("Consultation Note", "Outpatient Consultation", "Consult Letter")))
    render(ctx, "{DATE}\n\n")
    render(ctx, rng.choice(("Dear {DOC},\n\n", "Dear Dr. {LASTDOC},\n\n")))
    render(
        ctx,
        rng.choice(
            (
                "I had the pleasure of seeing {PT} in the {DEPT} clinic today. ",
                "Thank you for referring {PT_TITLE}, whom I saw on {DATE} in consultation. ",
                "I saw your patient {PT_FULL} ({AGE_N}) today at {HOSP}. ",
            )
        ),
    )
    say(ctx, HPI_OPEN)
    ctx.raw(" ")
    say(ctx, HPI_MORE, rng.randint(1, 4))
    ctx.raw("\n\n")
    ctx.raw("On examination: ")
    render(ctx, "{VITALS}. {EXAM} {EXAM}\n\n")
    ctx.raw(rng.choice(("Impression and recommendations:\n", "ASSESSMENT/PLAN:\n", "My impression:\n")))
    ctx.items([partial(render, ctx, t) for t in rng.sample(AP_ITEMS, rng.randint(2, 4))])
    render(
        ctx,
        "\nPlease do not hesitate to contact me at {SITE_PHONE} or {DOC_EMAIL}.\n\nSincerely,\n{ATT}\n",
    )
    if rng.random() < 0.5:
        render(ctx, "cc: {DOC}; {PT} (via portal user {PORTAL})\n")
