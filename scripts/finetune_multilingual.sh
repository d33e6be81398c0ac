#!/usr/bin/env bash
# Fine-tune the multicultural encoder on notes in German, French, Dutch, Italian and Spanish
# beside its English mix (issue 12, item 3; docs/language-packs.md, "The multicultural encoder
# on other languages").
#
# Why: the shipped encoder (minilm-mc-deid, trained on English notes only) finds nearly every
# identifier of the hand-written blind sets of these languages (character recall 0.97-0.985 with
# every span kept) but tags their ordinary capitalised words too (precision 0.55-0.65): it has
# never seen them as "not PHI". Only spans it scores >= 0.97-0.98 are worth keeping today. Notes
# of those languages, labelled, give it the negatives.
#
# Data (deterministic: generator seed + version; seeds 12101-12132 used nowhere else):
#   * 2,000 generated notes per language (`fairdeid generate --lang CODE`), 60 more each for dev;
#   * 3,000 English notes of the default profile and 1,500 of the stress profile (the mix the
#     encoder was trained on, so English does not drift);
#   * the hand-written sets that are not blind (benchmarks/data/lang/<code>.markup and
#     <code>_heldoutN.markup), REPEAT copies each. The *_blind* sets are never trained on
#     (build_multilingual_train.py refuses them): they, and the third writer's *_blind3 sets,
#     measure the result.
# Init: the shipped model (`--init builtin:minilm-mc-deid`: torch weights rebuilt from its int8
# graph). Identifiers are not re-drawn (no --augment-locales): the generator already draws each
# language's names from its country's pools, and the English mix is multicultural.
# Resumable: checkpoints every 200 steps / 10 minutes, at the budget and on SIGTERM; rerunning
# this script skips the data already built and continues the run with `fairdeid train --resume`.
# `fairdeid train` runs torch on the CPU: THREADS sets its threads (a 16-core machine: 16).
#
#   scripts/finetune_multilingual.sh [WORKDIR] [TIME_BUDGET_S] [THREADS] [REPEAT]
#
# Afterwards: measure WORKDIR/model like the shipped model, with
#   python benchmarks/lang_encoder.py --model WORKDIR/model --json WORKDIR/lang.json
# and the English guard (`fairdeid evaluate /work/shared/data/asq-phi/dev.jsonl --json` with
# the model in [detectors.transformer]); ship it as a new builtin only where it beats today's.
set -euo pipefail
WORK=${1:-build/ml-finetune}
BUDGET=${2:-14400}
THREADS=${3:-2}
REPEAT=${4:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
LANG_DIR=${LANG_DIR:-$HERE/../benchmarks/data/lang}
mkdir -p "$WORK/data"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

# Note counts (small ones for a smoke test: N_LANG=2 N_DEV=1 N_EN=2 N_STRESS=1 DATA_ONLY=1).
N_LANG=${N_LANG:-2000}
N_DEV=${N_DEV:-60}
N_EN=${N_EN:-3000}
N_STRESS=${N_STRESS:-1500}

if compgen -G "$WORK/model/checkpoint*" > /dev/null; then  # a run was interrupted: continue it
  fairdeid train --resume "$WORK/model" --time-budget "$BUDGET" --threads "$THREADS" \
    --json --no-progress > "$WORK/summary.json"
  exit 0
fi
if [[ -f "$WORK/model/model.int8.onnx" ]]; then
  echo "$WORK/model is trained and exported; remove it to train again" >&2
  exit 0
fi

gen() {  # gen OUT ARGS...: generate once (a rerun keeps what is there)
  local out=$1; shift
  [[ -s "$out" ]] || fairdeid generate "$@" -o "$out"
}

# 1. Data
seed=12101
for code in de fr nl it es; do
  gen "$WORK/data/gen-$code.jsonl" -n "$N_LANG" --lang "$code" --seed "$seed"
  gen "$WORK/data/dev-$code.jsonl" -n "$N_DEV" --lang "$code" --seed $((seed + 20))
  seed=$((seed + 1))
done
gen "$WORK/data/en-default.jsonl" -n "$N_EN" --seed 12131
gen "$WORK/data/en-stress.jsonl" -n "$N_STRESS" --seed 12132 --profile stress

handwritten=()
for code in de fr nl it es; do
  for f in "$LANG_DIR/$code.markup" "$LANG_DIR/${code}"_heldout*.markup; do
    [[ -f "$f" ]] && handwritten+=("$f")
  done
done
if [[ ! -s "$WORK/data/train.jsonl" ]]; then
  python "$HERE/build_multilingual_train.py" -o "$WORK/data/train.jsonl" --repeat "$REPEAT" \
    "$WORK"/data/gen-*.jsonl "$WORK/data/en-default.jsonl" "$WORK/data/en-stress.jsonl" \
    "${handwritten[@]}"
  python "$HERE/build_multilingual_train.py" -o "$WORK/data/dev.jsonl" --repeat 1 \
    "$WORK"/data/dev-*.jsonl
fi

[[ -n "${DATA_ONLY:-}" ]] && exit 0

# 2. Train + export (fused, per-channel int8 ONNX). Windows 128/32 as for the shipped model;
#    dev F2 every 100 steps, best model kept, stop after 4 evaluations without a 0.001 gain.
fairdeid train --train "$WORK/data/train.jsonl" --dev "$WORK/data/dev.jsonl" \
  --out "$WORK/model" --name minilm-mc-deid-ml --kind transformer --init builtin:minilm-mc-deid \
  --epochs 2 --seed 31 --batch-size 16 --lr 3e-5 --max-length 128 --stride 32 \
  --eval-every 100 --patience 4 --min-delta 0.001 \
  --time-budget "$BUDGET" --threads "$THREADS" --json --no-progress > "$WORK/summary.json"
