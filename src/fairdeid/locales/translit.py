"""Romanise Devanagari (Hindi) and Bengali names, the way English-language notes spell them.

Why our own: no ready-made transliterator on PyPI gives the *conventional* spelling of a name
("राहुल" → "Rahul", not ITRANS "rAhula"); that needs the inherent vowel written as "a" and deleted
where Hindi speakers drop it (word-final, and between a vowel-consonant and a consonant-vowel:
"अमनदीप" → "Amandeep"). This is a small rule set, good for names, not a general transliterator;
``scripts/build_locale_pools.py`` checks it against the pairs in names-by-country and prefers
those pairs where they exist.

Bengali's block mirrors Devanagari's at an offset of 0x80, so one table serves both.
"""

from __future__ import annotations

_BENGALI_OFFSET = 0x80
#: Marks a consonant's inherent vowel until schwa deletion has decided on it.
_SCHWA = "@"

#: Independent vowels (Devanagari code points).
_VOWELS = {
    0x0905: "a", 0x0906: "a", 0x0907: "i", 0x0908: "ee", 0x0909: "u", 0x090A: "u",
    0x090B: "ri", 0x090F: "e", 0x0910: "ai", 0x0913: "o", 0x0914: "au",
}
#: Dependent vowel signs (matras).
_MATRAS = {
    0x093E: "a", 0x093F: "i", 0x0940: "ee", 0x0941: "u", 0x0942: "u", 0x0943: "ri",
    0x0947: "e", 0x0948: "ai", 0x094B: "o", 0x094C: "au", 0x0949: "o", 0x0945: "e",
}
_CONSONANTS = {
    0x0915: "k", 0x0916: "kh", 0x0917: "g", 0x0918: "gh", 0x0919: "n",
    0x091A: "ch", 0x091B: "chh", 0x091C: "j", 0x091D: "jh", 0x091E: "n",
    0x091F: "t", 0x0920: "th", 0x0921: "d", 0x0922: "dh", 0x0923: "n",
    0x0924: "t", 0x0925: "th", 0x0926: "d", 0x0927: "dh", 0x0928: "n", 0x0929: "n",
    0x092A: "p", 0x092B: "ph", 0x092C: "b", 0x092D: "bh", 0x092E: "m",
    0x092F: "y", 0x0930: "r", 0x0931: "r", 0x0932: "l", 0x0933: "l", 0x0935: "v",
    0x0936: "sh", 0x0937: "sh", 0x0938: "s", 0x0939: "h",
    0x0958: "q", 0x0959: "kh", 0x095A: "gh", 0x095B: "z", 0x095C: "r", 0x095D: "rh",
    0x095E: "f", 0x095F: "y",
}
#: Consonant + nukta (U+093C) → a different sound.
_NUKTA = {"j": "z", "ph": "f", "k": "q", "d": "r", "dh": "rh", "kh": "kh", "g": "g"}
_VIRAMA = 0x094D
_ANUSVARA = 0x0902
_CHANDRABINDU = 0x0901
_VISARGA = 0x0903
_NUKTA_SIGN = 0x093C
_LABIALS = {"p", "ph", "b", "bh", "m"}

#: Whole-word spellings that rules get wrong and usage has fixed.
_OVERRIDES = {
    "सिंह": "Singh",
    "ज्ञान": "Gyan",
    "লক্ষ্মী": "Lakshmi",
    "মোহাম্মদ": "Mohammad",
    "মুহাম্মদ": "Muhammad",
    "হোসেন": "Hossain",
    "হোসাইন": "Hossain",
    "আক্তার": "Akter",
    "আহমেদ": "Ahmed",
    "আহম্মেদ": "Ahmed",
    "খাতুন": "Khatun",
    "চৌধুরী": "Chowdhury",
    "রহমান": "Rahman",
}


def _to_devanagari(cp: int) -> int:
    if 0x0980 <= cp <= 0x09FF:
        return cp - _BENGALI_OFFSET
    return cp


def _bengali_specific(ch: str) -> str | None:
    return {
        "\u09ce": "t",  # khanda ta
        "\u09dc": "r",  # rra
        "\u09dd": "rh",
        "\u09df": "y",  # yya
        "\u09d7": "",  # au length mark
        "\u0982": "ng",  # anusvara reads "ng" in Bengali
    }.get(ch)


def romanise_word(word: str) -> str:
    """Romanise one Devanagari or Bengali word (capitalised); other characters pass through."""
    if word in _OVERRIDES:
        return _OVERRIDES[word]
    bengali = any(0x0980 <= ord(c) <= 0x09FF for c in word)
    # Units: (text, kind) with kind in {"C", "V", "X"}; a consonant's vowel is decided later.
    units: list[list[str]] = []  # [consonant, vowel] or [text, ""] for non-consonants
    kinds: list[str] = []
    for ch in word:
        if ch in "\u200c\u200d":
            continue
        special = _bengali_specific(ch) if bengali else None
        cp = _to_devanagari(ord(ch))
        if special is not None and ch != "\u0982":
            if ch == "\u09d7":
                continue
            units.append([special, _SCHWA])
            kinds.append("C")
            continue
        if cp in _CONSONANTS:
            cons = _CONSONANTS[cp]
            after_virama = bool(units) and kinds[-1] == "C" and units[-1][1] == ""
            if cp == 0x0935 and after_virama and units[-1][0] != "r":
                cons = "w"  # va in a conjunct reads "w": Dwivedi, Ashwin (not Parvati)
            if bengali and cp == 0x092C:
                cons = "w" if after_virama else "b"
            if bengali and cp == 0x092F:
                # Bengali ya standalone reads "j"; as ya-phala (after virama) "y".
                cons = "y" if after_virama else "j"
            if bengali and cp == 0x0937:
                cons = "sh"
            if bengali and cp == 0x092B:
                cons = "f"  # ফ: "Farida", "Yusuf" in Bangladeshi spellings
            units.append([cons, _SCHWA])
            kinds.append("C")
        elif cp in _MATRAS and units and kinds[-1] == "C":
            units[-1][1] = _MATRAS[cp]
            after_r = len(units) > 1 and units[-2][0] == "r" and units[-2][1] == ""
            if units[-1][0] == "v" and cp == 0x093E and len(units) > 1 and not after_r:
                units[-1][0] = "w"  # medial "vā" is spelled "wa": Pawar, Agarwal, Tiwari
        elif cp == _VIRAMA and units and kinds[-1] == "C":
            units[-1][1] = ""
        elif cp == _NUKTA_SIGN and units and kinds[-1] == "C":
            if bengali and units[-1][0] in ("j", "y"):
                units[-1][0] = "y"
            else:
                units[-1][0] = _NUKTA.get(units[-1][0], units[-1][0])
        elif cp in _VOWELS:
            units.append([_VOWELS[cp], ""])
            kinds.append("V")
        elif cp == _CHANDRABINDU:
            # Nasalisation is not written in conventional spellings ("Thakurgaon").
            continue
        elif cp == _ANUSVARA:
            units.append(["ng" if bengali and cp == _ANUSVARA else "N", ""])
            kinds.append("N")
        elif cp == _VISARGA:
            units.append(["h", ""])
            kinds.append("X")
        else:
            units.append([ch, ""])
            kinds.append("X")
    _delete_schwas(units, kinds)
    out: list[str] = []
    for i, (text, vowel) in enumerate(units):
        if kinds[i] == "N":
            nxt = units[i + 1][0] if i + 1 < len(units) else ""
            if text == "N":
                text = "m" if nxt in _LABIALS else "n"
            out.append(text)
            continue
        if kinds[i] == "C":
            text += "a" if vowel == _SCHWA else vowel
        out.append(text)
    roman = "".join(out)
    if bengali:
        roman = roman.replace("ee", "i").replace("oo", "u")
    # A long final vowel reads short in conventional spelling ("Lakshmee" → "Lakshmi").
    if roman.endswith("ee"):
        roman = roman[:-2] + "i"
    elif roman.endswith("oo"):
        roman = roman[:-2] + "u"
    roman = roman.replace("aa", "a")
    return roman[:1].upper() + roman[1:]


def _delete_schwas(units: list[list[str]], kinds: list[str]) -> None:
    """Hindi-style schwa deletion: word-final, then V C [a] C V from right to left."""
    cons = [i for i, k in enumerate(kinds) if k == "C"]
    if not cons:
        return
    last = len(kinds) - 1
    while last >= 0 and kinds[last] == "N":
        last -= 1
    # A final conjunct keeps its vowel ("आदित्य" → "Aditya", not "Adity").
    conjunct = kinds[last - 1] == "C" and units[last - 1][1] == "" if last >= 1 else False
    if last >= 1 and kinds[last] == "C" and units[last][1] == _SCHWA and not conjunct:
        units[last][1] = ""
    for i in range(len(units) - 2, 0, -1):
        if kinds[i] != "C" or units[i][1] != _SCHWA:
            continue
        prev, nxt = i - 1, i + 1
        if kinds[nxt] != "C" or not units[nxt][1]:
            continue
        if (kinds[prev] == "C" and units[prev][1]) or kinds[prev] == "V":
            units[i][1] = ""


def romanise(text: str) -> str:
    """Romanise every whitespace-separated word of ``text``."""
    return " ".join(romanise_word(w) for w in text.split())
