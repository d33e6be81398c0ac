"""Person names: anchors (titles, headers, signatures, cue words), dictionaries, propagation.

Names are the hardest rule family because the same string is a name in one note and a word in
the next ("May", "Hope", "Bill", "Mark"). So every name needs evidence, and the evidence sets the
score:

- strong: a title ("Dr.", "Mrs."), a header ("Patient:", "Dictated by:"), a signature
  ("Jane Doe, MD"), or a full name from the dictionaries (first name + surname/initial);
- medium: one unambiguous dictionary first name or surname, capitalised, not at a sentence start;
- propagated: once a name token is found with strong evidence, its other occurrences in the same
  document are tagged too (the patient's surname alone three paragraphs later).

Ambiguous dictionary entries (common words, eponyms) never fire alone; they only join a name that
has other evidence. Eponyms followed by "disease", "sign", "catheter" ... never fire.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fairdeid.detect.rules.dictionary import NAME_KINDS, Hit, Kind

_PARTICLES = frozenset(
    "van von de da del della der den di du la le bin binti ibn al el ter ten dos das st".split()
)
# a name token: an initial ("S."), or a word starting with a letter
_TOKEN = re.compile(r"[ \t]{1,3}(?:(?P<init>[A-Z]\.)(?!\w)|(?P<word>[^\W\d_][\w'’-]*\w|[^\W\d_]))")
_FIRST_TOKEN = re.compile(r"(?:(?P<init>[A-Z]\.)(?!\w)|(?P<word>[^\W\d_][\w'’-]*\w|[^\W\d_]))")
_EPONYM_AFTER = re.compile(
    r"['’]?s?[ \t]*(?:disease|syndrome|sign|signs|test|catheter|scale|score|reflex|maneuver|"
    r"manoeuvre|criteria|classification|lymphoma|sarcoma|tumou?r|phenomenon|palsy|law|rule|"
    r"procedure|operation|repair|fracture|ulcer|triad|node|nodes|space|disorder|"
    r"coma|index|position|solution|tube|valve|line|method|type|stage|grading|grade|"
    r"esophagus|oesophagus|thyroiditis|encephalopathy|cell|cells|body|bodies|angina|"
    r"diverticulum|cyst|gland|duct|canal|membrane|sign)\b",
    re.IGNORECASE,
)
_HYPHEN_TAIL = re.compile(r"(?:-[A-Z][\w'’]*)+")
_NAMING_CUES = frozenset(
    {"named", "patient name", "name is", "name was", "called", "mr", "ms", "mrs", "pt name"}
)
# "Dianne L." / "Anne-Marie B.": a capitalised word then an initial ending the phrase
_WORD_INITIAL = re.compile(
    r"(?<![\w.'’-])([A-Z][a-z\u00C0-\u024F]{2,}(?:-[A-Z][a-z\u00C0-\u024F]+)?)[ \t][A-Z]\.(?=[\s,;:)?!]|$)"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|\n\s*[-*•]\s*)$")


@dataclass(frozen=True, slots=True)
class NameCandidate:
    start: int
    end: int
    label: str
    rule: str
    score: float


def is_capitalised(token: str) -> bool:
    first = token[0]
    return first.isupper() or (first.isalpha() and not first.islower())


class NameFinder:
    """Find person names in one document. Built once per detector from config data."""

    def __init__(
        self,
        names_cfg: Mapping[str, Sequence[str]],
        stopwords: frozenset[str],
        clinical: frozenset[str],
        cjk_surnames: Iterable[str],
        disabled: frozenset[str],
    ) -> None:
        self.stopwords = stopwords  # lower case; common English words that are also names
        self.clinical = clinical  # lower case; never part of a name
        self.breakers = frozenset(names_cfg.get("name_breakers", ())) | _MONTHS_AND_DAYS
        self.disabled = disabled
        titles = sorted(names_cfg.get("titles", ()), key=len, reverse=True)
        self.doctor_titles = frozenset(t.lower() for t in names_cfg.get("doctor_titles", ()))
        cased = sorted(set(titles) | {t.upper() for t in titles}, key=len, reverse=True)
        title_alt = "|".join(re.escape(t) for t in cased)
        # titles are matched case-sensitively (Title and UPPER forms): the IGNORECASE flag
        # would make this scan several times slower, and "dr" in lower case is rare
        self.title_re = re.compile(
            rf"(?P<title>{title_alt})(?:\.(?!\w)|(?=[ \t]))[ \t]{{0,2}}(?=\S)"
        )
        low_title_alt = "|".join(re.escape(t.lower()) for t in titles)
        hp = [h for h in names_cfg.get("headers_patient", ())]
        hd = [h for h in names_cfg.get("headers_doctor", ())]
        self.header_doctor = frozenset(h.lower() for h in hd)
        header_alt = "|".join(re.escape(h) for h in sorted(set(hp) | set(hd), key=len, reverse=True))
        # header and cue patterns run on the lower-cased text (fast literal scan), see
        # config.lower_pattern; capitalisation is checked on the original text afterwards
        self.header_re = re.compile(
            rf"(?P<head>{header_alt.lower()})"
            rf"[ \t]*(?:[:=]|-(?=[ \t]))[ \t]*(?:(?:{low_title_alt})\.?[ \t]+)?(?=\S)"
        )
        self.soft_doctor = frozenset(s.lower() for s in names_cfg.get("soft_doctor", ()))
        soft = sorted(
            set(names_cfg.get("soft_patient", ())) | set(names_cfg.get("soft_doctor", ())),
            key=len,
            reverse=True,
        )
        self.soft_re = re.compile(
            rf"(?P<cue>{'|'.join(re.escape(s.lower()) for s in soft)})[ \t]*[:,]?[ \t]{{1,2}}"
            r"(?=[^\W\d_])"
        )
        creds = sorted(names_cfg.get("credentials", ()), key=len, reverse=True)
        self.cred_re = re.compile(
            rf"(?P<name>(?:[A-Z][\w'’-]*\w|[A-Z]\.)(?:[ \t]{{1,2}}(?:[A-Z][\w'’-]*\w|[A-Z]\.)){{1,3}})"
            rf"[ \t]*,?[ \t]{{1,2}}(?:{'|'.join(re.escape(c) for c in creds)})(?![\w-])"
        )
        cjk = sorted({s for s in cjk_surnames if len(s) == 1}, key=len)
        self.cjk_re = (
            re.compile(rf"(?<![\u3400-\u9fff])[{''.join(cjk)}][\u3400-\u9fff]{{1,2}}(?![\u3400-\u9fff])")
            if cjk
            else None
        )

    # -- helpers --------------------------------------------------------------------------

    def _stop(self, word: str, *, soft: bool) -> bool:
        low = word.lower().rstrip(".")
        if word in self.breakers or low in self.clinical:
            return True
        return soft and low in self.stopwords

    def extend(
        self,
        text: str,
        pos: int,
        *,
        max_tokens: int = 4,
        soft: bool,
        kinds: Mapping[int, int] | None = None,
    ) -> tuple[int, int, int, bool]:
        """Grow a name from ``pos`` over capitalised tokens and initials.

        Returns (start, end, number of word tokens, whether any token is an initial). With
        ``soft`` set, common words stop the name unless ``kinds`` says the token is a dictionary
        name (so "John Brown" keeps "Brown" but "John Will see" drops "Will"... mostly).
        """
        start = end = -1
        words = 0
        initial = False
        first_upper: bool | None = None
        m = _FIRST_TOKEN.match(text, pos)
        n = 0
        while m is not None and n < max_tokens:
            tok = m.group("init") or m.group("word")
            tok_start = m.start("init") if m.group("init") else m.start("word")
            if m.group("word"):
                in_dict = kinds is not None and bool(kinds.get(tok_start, 0) & NAME_KINDS)
                if tok.lower() in _PARTICLES and words:
                    nxt = _TOKEN.match(text, m.end())
                    if nxt is None or not nxt.group("word") or not is_capitalised(nxt.group("word")):
                        break
                elif not is_capitalised(tok) or (self._stop(tok, soft=soft) and not in_dict):
                    break
                elif tok in self.breakers:
                    break
                elif len(tok) > 1 and tok.isupper() and (soft or not first_upper):
                    # acronyms ("GERD", "MRN") end a name, unless the name itself is in capitals
                    # after a strong anchor ("MR. JOHN SMITH")
                    if not (first_upper is None and not soft):
                        break
                if first_upper is None:
                    first_upper = tok.isupper() and len(tok) > 1
                words += 1
            else:
                initial = True
            if start < 0:
                start = tok_start
            end = m.end()
            n += 1
            m = _TOKEN.match(text, m.end())
        if start < 0:
            return -1, -1, 0, False
        # "Smith's office": keep the possessive out of the name
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        return start, end, words, initial

    # -- rules ----------------------------------------------------------------------------

    def find(self, text: str, lower: str, hits: Sequence[Hit]) -> list[NameCandidate]:
        out: list[NameCandidate] = []
        kinds = {h.start: h.kind for h in hits if h.kind & NAME_KINDS}
        on = self._on
        if on("name.title"):
            for m in self.title_re.finditer(text):
                if m.start() and (_is_word(text[m.start() - 1]) or text[m.start() - 1] == "."):
                    continue
                s, e, words, _ = self.extend(text, m.end(), soft=False, kinds=kinds)
                if words:
                    label = "DOCTOR" if m.group("title").lower() in self.doctor_titles else "PATIENT"
                    out.append(NameCandidate(s, e, label, "name.title", 0.95))
        if on("name.header"):
            for m in self.header_re.finditer(lower):
                if not _line_start(text, m.start()):
                    continue
                s, e, words, _ = self.extend(text, m.end(), soft=False, kinds=kinds)
                if words:
                    head = m.group("head").lower()
                    label = "DOCTOR" if head in self.header_doctor else "PATIENT"
                    out.append(NameCandidate(s, e, label, "name.header", 0.9))
        if on("name.signature"):
            for m in self.cred_re.finditer(text):
                s, e = m.span("name")
                # trim leading words that cannot be part of a name ("Seen by John Smith MD")
                while s < e:
                    tok = _FIRST_TOKEN.match(text, s)
                    if tok is None:
                        break
                    word = tok.group("word")
                    if word and (self._stop(word, soft=True) and not kinds.get(s, 0) & NAME_KINDS):
                        nxt = _TOKEN.match(text, tok.end())
                        if nxt is None:
                            s = e
                            break
                        s = nxt.start("init") if nxt.group("init") else nxt.start("word")
                        continue
                    break
                if s < e and " " in text[s:e].strip():
                    out.append(NameCandidate(s, e, "DOCTOR", "name.signature", 0.9))
        if on("name.cue"):
            for m in self.soft_re.finditer(lower):
                if not text[m.end()].isupper() or (m.start() and _is_word(text[m.start() - 1])):
                    continue
                s, e, words, initial = self.extend(text, m.end(), soft=True, kinds=kinds)
                if not words:
                    continue
                has_dict = any(kinds.get(k, 0) & (Kind.FIRST | Kind.LAST) for k in range(s, e))
                cue = m.group("cue").lower()
                if has_dict or initial or (words >= 2 and cue in _NAMING_CUES):
                    label = "DOCTOR" if cue in self.soft_doctor else "PATIENT"
                    out.append(NameCandidate(s, e, label, "name.cue", 0.8 if has_dict else 0.7))
        if on("name.dictionary"):
            out.extend(self._dictionary(text, hits, kinds))
        if on("name.initial"):
            for m in _WORD_INITIAL.finditer(text):
                word = m.group(1)
                parts = word.split("-")
                if any(self._stop(p, soft=True) for p in parts) or word in self.breakers:
                    continue
                if m.start() == 0 or _SENTENCE_START.search(text[max(0, m.start() - 4) : m.start()]):
                    if not kinds.get(m.start(), 0) & (Kind.FIRST | Kind.LAST):
                        continue
                out.append(NameCandidate(m.start(), m.end(), "PATIENT", "name.initial", 0.7))
        if on("name.cjk") and self.cjk_re is not None:
            for m in self.cjk_re.finditer(text):
                out.append(NameCandidate(m.start(), m.end(), "PATIENT", "name.cjk", 0.6))
        return out

    @staticmethod
    def _eponym(text: str, start: int, end: int) -> bool:
        """"Parkinson disease", "Stevens-Johnson syndrome", "Foley catheter" are not names."""
        compound = _HYPHEN_TAIL.match(text, end)
        if compound:
            end = compound.end()
        return bool(_EPONYM_AFTER.match(text, end))

    def _on(self, rule: str) -> bool:
        return rule not in self.disabled and "name" not in self.disabled

    def _dictionary(
        self, text: str, hits: Sequence[Hit], kinds: Mapping[int, int]
    ) -> list[NameCandidate]:
        out: list[NameCandidate] = []
        covered_to = -1
        for hit in hits:
            kind = hit.kind
            if not kind & NAME_KINDS or hit.start < covered_to:
                continue
            word = text[hit.start : hit.end]
            if not is_capitalised(word) or " " in word:
                continue
            if word.lower() in self.clinical:
                continue
            if kind & Kind.AMBIGUOUS and not kind & (Kind.FIRST | Kind.LAST):
                # "Jack Smith", "Will Brown": an ambiguous first name joins a known surname
                nxt = _TOKEN.match(text, hit.end)
                if nxt and nxt.group("word") and is_capitalised(nxt.group("word")):
                    nk = kinds.get(nxt.start("word"), 0)
                    if nk & (Kind.LAST | Kind.FIRST) and not nk & Kind.AMBIGUOUS:
                        s2, e2, _, _ = self.extend(text, nxt.start("word"), soft=True, kinds=kinds)
                        if not self._eponym(text, hit.start, e2):
                            out.append(
                                NameCandidate(hit.start, e2, "PATIENT", "name.dictionary", 0.8)
                            )
                            covered_to = e2
                continue
            if word.isupper() and len(word) > 1 and not text[hit.end : hit.end + 3].strip():
                # ALL-CAPS words are section headers and acronyms more often than names
                if not _is_caps_name_context(text, hit.end):
                    continue
            if self._eponym(text, hit.start, hit.end):
                continue
            s, e, words, initial = self.extend(text, hit.start, soft=True, kinds=kinds)
            if s != hit.start or e <= s:
                continue
            sentence_start = bool(_SENTENCE_START.search(text[max(0, s - 4) : s])) or s == 0
            if words >= 2 or initial:
                # a full name: count the dictionary members to guard against "Chest Pain"
                members = sum(1 for k in range(s, e) if kinds.get(k, 0) & (Kind.FIRST | Kind.LAST))
                score = 0.85 if members >= 1 else 0.5
                if e - s > 0 and score >= 0.5:
                    out.append(NameCandidate(s, e, "PATIENT", "name.dictionary", score))
                    covered_to = e
                continue
            if len(word) < 3 or sentence_start:
                continue
            if kind & Kind.FIRST:
                out.append(NameCandidate(s, e, "PATIENT", "name.dictionary_first", 0.6))
            elif kind & Kind.LAST and len(word) >= 4:
                out.append(NameCandidate(s, e, "PATIENT", "name.dictionary_last", 0.5))
        return out

    def propagate(self, text: str, found: Iterable[NameCandidate]) -> list[NameCandidate]:
        """Tag other occurrences of tokens of strongly evidenced names in the same document."""
        tokens: dict[str, str] = {}
        for cand in found:
            if cand.score < 0.8:
                continue
            for tok in re.findall(r"[^\W\d_][\w'’-]*\w", text[cand.start : cand.end]):
                if len(tok) < 2 or self._stop(tok, soft=True) or tok.isupper() and len(tok) <= 3:
                    continue
                tokens.setdefault(tok, cand.label)
        if not tokens:
            return []
        alt = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
        out = []
        for m in re.finditer(rf"(?<![\w'’-])(?:{alt})(?![\w-])", text):
            out.append(
                NameCandidate(m.start(), m.end(), tokens[m.group(0)], "name.propagated", 0.75)
            )
        return out


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _line_start(text: str, pos: int) -> bool:
    """A header starts a line or a field: after a newline, ';', '|', '(', ". ", ", " or 2 spaces."""
    i = pos
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] in "\n;|(" or pos - i >= 2:
        return True
    return text[i - 1] in ".," and pos > i


def _is_caps_name_context(text: str, end: int) -> bool:
    nxt = _TOKEN.match(text, end)
    return bool(nxt and nxt.group("word") and nxt.group("word").isupper())


_MONTHS_AND_DAYS = frozenset(
    "January February March April June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday".split()
)
