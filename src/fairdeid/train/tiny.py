"""A tiny, randomly initialised BERT base directory built offline (tests, CI, smoke runs).

Building the tokenizer and weights locally keeps tests hermetic: no hub, no cache, a few seconds.
The result is a normal base directory (``config.json``, weights, ``tokenizer.json``) that
``fairdeid train --base`` accepts like any real encoder.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def make_tiny_base(
    out: str | Path,
    texts: Iterable[str],
    *,
    vocab_size: int = 400,
    hidden: int = 32,
    layers: int = 2,
    heads: int = 2,
    max_position: int = 128,
    seed: int = 0,
    lowercase: bool = True,
) -> Path:
    """Train a WordPiece tokenizer on ``texts`` and save a random BERT of that vocabulary."""
    import torch
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import BertConfig, BertModel

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials)
    tok.train_from_iterator(list(texts), trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    tok.save(str(out / "tokenizer.json"))
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=hidden * 2,
        max_position_embeddings=max_position,
    )
    BertModel(config).save_pretrained(str(out))
    return out
