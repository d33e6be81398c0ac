"""The audit's verdicts in words, and the number formatting they share with the report.

One wording for both the audit's JSON (``audit["verdicts"]``) and the report's "Verdicts"
section, so a verdict and the table above it always use the same units (percentage points) and
the same precision rule: a bound that is not 0 never prints as 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["format_estimate", "format_interval", "verdict_lines"]


def _decimals(values: Sequence[float | None], least: int = 1, most: int = 6) -> int:
    """Fewest decimals (of a percentage) at which no non-zero value prints as zero.

    Why: an interval that excludes 0, printed as "0.0 to 0.8", reads as if it touched 0; with
    one more decimal it prints "0.04 to 0.8" and says what the verdict says.
    """
    d = least
    while d < most and any(v is not None and v != 0 and round(abs(100 * v), d) == 0
                           for v in values):
        d += 1
    return d


def _pct(x: float | None, decimals: int = 1) -> str:
    if x is None:
        return "–"
    return f"{round(100 * x, decimals) + 0.0:.{decimals}f}"  # + 0.0: never "-0.0"


def format_interval(ci: Sequence[float | None] | None, decimals: int | None = None) -> str:
    """``[lo, hi]`` in percent (or points), with enough decimals that a non-zero bound never
    prints as 0 (see ``_decimals``)."""
    if not ci or ci[0] is None or ci[1] is None:
        return "–"
    d = _decimals(ci) if decimals is None else decimals
    return f"[{_pct(ci[0], d)}, {_pct(ci[1], d)}]"


def format_estimate(value: float | None, ci: Sequence[float | None] | None) -> str:
    """A value and its interval at one precision: ``96.2 [95.10, 97.04]`` style."""
    d = _decimals(list(ci or ()))
    return f"{_pct(value, d)} {format_interval(ci, d)}"



def _gap_words(gap: dict[str, Any], lead: str = "") -> str:
    lo, hi = gap["ci95"]
    d = _decimals([lo, hi])
    return (f"{lead}{_pct(gap['difference'], d)} percentage points, "
            f"95% CI {_pct(lo, d)} to {_pct(hi, d)}")


def verdict_lines(audit: dict[str, Any]) -> list[str]:
    """Plain-words reading of every gap in an audit's JSON: is it larger than chance?"""
    reference = audit.get("reference", "en_US")
    lines: list[str] = []
    tests = 0
    for row in audit["locales"]:
        if row["locale"] == reference:
            continue
        for metric, what in (("name_recall", "NAME recall"), ("recall", "overall token recall")):
            gap = row.get(f"{metric}_gap")
            if gap is None:
                continue
            tests += 1
            if gap["difference"] is None or None in gap["ci95"]:
                lines.append(f"{row['locale']}: {what} cannot be compared (no PHI of that kind).")
                continue
            span = _gap_words(gap)
            if gap["significant"]:
                direction = "lower" if gap["difference"] < 0 else "higher"
                lines.append(
                    f"{row['locale']}: {what} is significantly {direction} than {reference} "
                    f"({span}); the interval excludes 0, so this gap is unlikely to be chance."
                )
            else:
                lines.append(
                    f"{row['locale']}: no significant difference in {what} from {reference} "
                    f"({span}); the interval includes 0."
                )
    for row in audit.get("gender_gap") or ():
        gap = row["gap"]
        tests += 1
        if gap["difference"] is None or None in gap["ci95"]:
            lines.append(f"{row['locale']}: the gender gap cannot be measured (no NAME spans).")
            continue
        span = _gap_words(gap, "female minus male ")
        if gap["significant"]:
            worse = "female" if gap["difference"] < 0 else "male"
            lines.append(
                f"{row['locale']}: NAME recall differs significantly by gender ({span}); "
                f"{worse} names are missed more often."
            )
        else:
            lines.append(f"{row['locale']}: no significant gender gap in NAME recall ({span}).")
    if tests > 1:
        lines.append(
            f"{tests} comparisons were tested, each at the 95% level: about {0.05 * tests:.1f} of "
            "them may come out significant by chance alone, so read single borderline gaps with "
            "care (an interval far from 0 is the strong evidence)."
        )
    return lines
