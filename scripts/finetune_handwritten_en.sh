#!/usr/bin/env bash
# Fine-tune the shipped default English encoder (builtin:minilm-mc-deid) on many writers'
# hand-written notes mixed with fresh synthetic notes (issue 12, "English unchanged"; its
# MODEL_CARD.md, "Fine-tuned on many writers' hand-written notes": measured, not shipped). Why: the model had only seen the generator's notes and
# reaches R 0.943-0.966 / P 0.88-0.89 on unseen writers' notes against 0.98 on synthetic ones,
# while the language packs' CRFs trained on many writers raised unseen writers 6-14 points.
#
# Data
#   TRAIN  benchmarks/data/en_train/en_w1.markup, en_w2.markup, benchmarks/data/en_blind1.markup,
#          en_blind2.markup (52 notes, each repeated WEIGHT times; scripts/handwritten_en_data.py
#          puts them in the model's gold convention: titles outside names, every age AGE)
#          + synthetic notes of new seeds, stress + default profile, names from every locale
#          pool, titles outside names. No --augment-locales by default (AUGMENT=all turns it
#          on): re-localizing replaced the writers' own identifiers and cost held-out recall.
#   DEV    (step choice: --eval-every, best dev F2 exported) en_blind3.markup (10 notes, same
#          conversion) + 40 synthetic stress notes.
#   HELD OUT en_blind4.markup and en_blind5.markup: never trained on, never used for a choice;
#          scored once at the end with the default pipeline (`eval` below).
# CPU, one thread, checkpoints every 10 minutes: after a kill, `fairdeid train --resume
# WORKDIR/model [--time-budget S]` continues the run.
#
#   scripts/finetune_handwritten_en.sh [WORKDIR] [TIME_BUDGET_S] [MAX_STEPS]
#   scripts/finetune_handwritten_en.sh eval WORKDIR TAG [CONFIG]   # held-out + guard sets
#   scripts/finetune_handwritten_en.sh heldout WORKDIR TAG [CONFIG] # the held-out sets alone
set -euo pipefail
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
HAND=(benchmarks/data/en_train/en_w1.markup benchmarks/data/en_train/en_w2.markup
      benchmarks/data/en_blind1.markup benchmarks/data/en_blind2.markup)
if [ "${1:-}" = eval ] || [ "${1:-}" = heldout ]; then
  # The default pipeline with only the model changed (CONFIG: a copy of the packaged default
  # whose [detectors.transformer] model names the new model; none: the packaged default):
  # held-out en_blind4/5, then scripts/distill_student.sh eval's four guard sets.
  WORK=$2 TAG=$3 CFG=${4:-}
  mkdir -p "$WORK/eval"
  ARGS=(--json --no-progress --resamples 200)
  [ -n "$CFG" ] && ARGS+=(-c "$CFG")
  for B in 4 5; do
    fairdeid evaluate "benchmarks/data/en_blind$B.markup" "${ARGS[@]}" > "$WORK/eval/$TAG-blind$B.json"
    [ -f "$WORK/eval/blind$B.jsonl" ] || fairdeid convert "benchmarks/data/en_blind$B.markup" "$WORK/eval/blind$B.jsonl"
  done
  # the ship rule reads the union of the two held-out sets
  cat "$WORK/eval/blind4.jsonl" "$WORK/eval/blind5.jsonl" > "$WORK/eval/blind45.jsonl"
  fairdeid evaluate "$WORK/eval/blind45.jsonl" "${ARGS[@]}" > "$WORK/eval/$TAG-blind45.json"
  [ "$1" = heldout ] || scripts/distill_student.sh eval "$WORK" "$TAG" "$CFG"
  exit 0
fi
WORK=${1:-build/en-ft}
BUDGET=${2:-3100}
MAX_STEPS=${3:-400}
WEIGHT=${WEIGHT:-6}
mkdir -p "$WORK"

# 1. Data (deterministic: generator seed + fairdeid version; seeds never used before).
G=(--name-titles keep --locales all)
fairdeid generate -n "${N_STRESS:-1000}" --seed 17051 --profile stress "${G[@]}" -o "$WORK/stress.jsonl"
fairdeid generate -n "${N_DEFAULT:-550}" --seed 17052 "${G[@]}" -o "$WORK/default.jsonl"
fairdeid generate -n "${N_DEV:-40}" --seed 17053 --profile stress "${G[@]}" -o "$WORK/dev-synth.jsonl"
python scripts/handwritten_en_data.py --weight "$WEIGHT" -o "$WORK/hand.jsonl" "${HAND[@]}"
python scripts/handwritten_en_data.py -o "$WORK/dev-hand.jsonl" benchmarks/data/en_blind3.markup
cat "$WORK/stress.jsonl" "$WORK/default.jsonl" "$WORK/hand.jsonl" > "$WORK/train.jsonl"
cat "$WORK/dev-hand.jsonl" "$WORK/dev-synth.jsonl" > "$WORK/dev.jsonl"
sha256sum "${HAND[@]}" benchmarks/data/en_blind3.markup "$WORK"/*.jsonl > "$WORK/data.sha256"

# 2. Continue the shipped model: small lr, windows 128/32 as version 2, dev every 40 steps.
nice -n 10 fairdeid train --train "$WORK/train.jsonl" --dev "$WORK/dev.jsonl" \
  --out "$WORK/model" --name minilm-mc-deid --kind transformer --init builtin:minilm-mc-deid \
  ${AUGMENT:+--augment-locales "$AUGMENT"} --epochs 1 --max-steps "$MAX_STEPS" --seed 37 --batch-size 16 \
  --lr "${LR:-3e-5}" --max-length 128 --stride 32 --eval-every "${EVAL_EVERY:-40}" \
  --time-budget "$BUDGET" --threads 1 --checkpoint-minutes 10 --json --no-progress \
  > "$WORK/summary.json"

# 3. Judge (default pipeline, only the model changed), then ship by the model card's rule:
#      sed 's|builtin:minilm-mc-deid"|'"$PWD/$WORK/model"'"|' src/fairdeid/config/default.toml > "$WORK/new.toml"
#      scripts/finetune_handwritten_en.sh eval "$WORK" shipped
#      scripts/finetune_handwritten_en.sh eval "$WORK" new "$WORK/new.toml"
