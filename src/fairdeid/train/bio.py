"""Turn annotated documents into windowed token-classification examples.

Labels go on the first subword of each word (the rest get ``-100`` and are ignored by the loss),
exactly mirroring how :class:`fairdeid.detect.transformer.TransformerDetector` reads predictions,
so training and inference cannot disagree about alignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fairdeid.detect.tokens import case_class, word_tags, words_of
from fairdeid.document import Document

IGNORE = -100


@dataclass(frozen=True, slots=True)
class Example:
    """One training window: subword ids, case ids and labels (``IGNORE`` where unlabelled)."""

    ids: tuple[int, ...]
    case: tuple[int, ...]
    labels: tuple[int, ...]
    n_words: int


def special_tokens(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The ids a tokenizer puts before and after a single sequence ([CLS]/[SEP], <s>/</s>)."""
    ids = tokenizer.encode("", add_special_tokens=True).ids
    if len(ids) >= 2:
        return [ids[0]], [ids[-1]]
    return [], []


def encode_document(
    doc: Document,
    tokenizer: Any,
    label2id: Mapping[str, int],
    *,
    scheme: str = "coarse",
    max_length: int = 256,
    stride: int = 64,
    case_features: bool = True,
) -> list[Example]:
    """Windows of at most ``max_length`` tokens (specials included) overlapping by ``stride``."""
    words = words_of(doc.text)
    if not words:
        return []
    tags = word_tags(words, doc.spans, scheme)
    enc = tokenizer.encode([w.text for w in words], is_pretokenized=True, add_special_tokens=False)
    ids = list(enc.ids)
    labels: list[int] = []
    case: list[int] = []
    seen: set[int] = set()
    classes = [case_class(w.text) for w in words] if case_features else [0] * len(words)
    for w in enc.word_ids:
        if w is None:
            labels.append(IGNORE)
            case.append(0)
            continue
        case.append(classes[w])
        if w in seen:
            labels.append(IGNORE)
        else:
            seen.add(w)
            labels.append(label2id[tags[w]])
    prefix, suffix = special_tokens(tokenizer)
    content = max_length - len(prefix) - len(suffix)
    n = len(ids)
    starts = [0] if n <= content else [*range(0, n - content, content - stride), n - content]
    out = []
    for s in starts:
        sl = slice(s, s + content)
        lab = labels[sl]
        out.append(
            Example(
                ids=tuple(prefix + ids[sl] + suffix),
                case=tuple([0] * len(prefix) + case[sl] + [0] * len(suffix)),
                labels=tuple([IGNORE] * len(prefix) + lab + [IGNORE] * len(suffix)),
                n_words=sum(1 for x in lab if x != IGNORE),
            )
        )
    return out


def encode_documents(
    docs: Iterable[Document], tokenizer: Any, label2id: Mapping[str, int], **kw: Any
) -> list[Example]:
    out: list[Example] = []
    for doc in docs:
        out.extend(encode_document(doc, tokenizer, label2id, **kw))
    return out


def length_bucketed_batches(
    examples: Sequence[Example], batch_size: int, rng: Any, *, bucket: int = 50
) -> list[list[Example]]:
    """Shuffle, sort within buckets of ``batch_size * bucket`` by length, then shuffle batches.

    Padding waste is what makes CPU training slow; this keeps batches homogeneous in length while
    keeping the order random enough for SGD.
    """
    order = list(examples)
    rng.shuffle(order)
    batches: list[list[Example]] = []
    chunk = batch_size * bucket
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda e: len(e.ids))
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches
