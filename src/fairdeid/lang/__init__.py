"""Languages: which language a note is written in, and the pack of rules, word lists, model and
surrogate settings that handles notes in that language (``lang/packs/<code>/``).

A pack is data: ``pack.toml`` holds its metadata and the pipeline config for its notes, and the
files it names sit beside it. See docs/language-packs.md.
"""
