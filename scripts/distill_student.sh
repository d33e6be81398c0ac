#!/usr/bin/env bash
# Distil the 3-layer student (builtin:minilm-mc-deid-l3) further towards the shipped 6-layer
# default model (builtin:minilm-mc-deid), issue 14: start from the shipped student, loss
# (1-A)*CE(gold) + A*T^2*KL(teacher_T || student_T) on the same windows (docs/training.md,
# "Distillation"), dev scored every EVAL_EVERY steps, the best model by dev F2 exported.
#
# Data: fairdeid's own synthetic notes, fresh seeds (never used for training, dev or the
# evaluation sets: 101, 202, 303, 4242, 505/506, 909 ...). Most of it is the stress profile
# (every mess transform the generator has, the options benchmarks/layout_stress.py uses, with
# other seeds; never the layout-stress file), the rest the clean default profile; names and
# places from all locales, identifiers re-drawn from all 12 locale pools each epoch.
#
# The same command runs on a GPU machine unchanged (torch picks its threads; --threads 1 only
# keeps a shared CPU box usable). Checkpoints every 10 minutes: after a kill, rerun with
#   fairdeid train --resume WORKDIR/model
#
#   scripts/distill_student.sh [WORKDIR] [TIME_BUDGET_S]        # data, distil, export
#   scripts/distill_student.sh eval WORKDIR TAG [CONFIG]        # score one pipeline
#   scripts/distill_student.sh continue [WORKDIR] [BUDGET_S] [INIT]   # version 3 (below)
#   scripts/distill_student.sh threshold WORKDIR TAG CONFIG     # the student's threshold
#   scripts/distill_student.sh hand [WORKDIR] [BUDGET_S] [INIT]   # + hand-written notes (below)
#
# eval: the default pipeline with only the model changed (CONFIG: a copy of configs/fast.toml
# whose [detectors.transformer] model names the model; none: the packaged default) on ASQ-PHI dev,
# synthetic seeds 202 and 4242 (300 notes each) and the layout-stress set (Safe Harbor gold,
# benchmarks/layout_stress.py's scoring); JSON into WORKDIR/eval/TAG-*.json.
set -euo pipefail
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
if [ "${1:-}" = eval ]; then
  WORK=$2 TAG=$3 CFG=${4:-}
  mkdir -p "$WORK/eval"
  ARGS=(--json --no-progress --resamples 200)
  [ -n "$CFG" ] && ARGS+=(-c "$CFG")
  for S in 202 4242; do
    [ -f "$WORK/eval/synth-$S.jsonl" ] || fairdeid generate -n 300 --seed "$S" -o "$WORK/eval/synth-$S.jsonl"
  done
  fairdeid evaluate /work/shared/data/asq-phi/dev.jsonl "${ARGS[@]}" > "$WORK/eval/$TAG-asq.json"
  for S in 202 4242; do
    fairdeid evaluate "$WORK/eval/synth-$S.jsonl" "${ARGS[@]}" > "$WORK/eval/$TAG-synth-$S.json"
  done
  CFG="$CFG" python - "$WORK/eval/$TAG-stress.json" <<'PY'
import json, os, sys
from pathlib import Path
sys.path.insert(0, "benchmarks")
import layout_stress as ls
from fairdeid.corpora.jsonl import read_jsonl
from fairdeid.pipeline import Pipeline
cfg = os.environ.get("CFG") or None
pipe = Pipeline.from_config(Path(cfg) if cfg else None, mode="tag")
result = ls.run("stress / " + (cfg or "default"), None, read_jsonl(ls.DATA), pipe)
Path(sys.argv[1]).write_text(json.dumps(result, indent=2) + "\n", "utf-8")
PY
  exit 0
fi
if [ "${1:-}" = threshold ]; then
  # The student's [resolve] thresholds.transformer, by benchmarks/calibrate_threshold.py's rule
  # (the highest threshold whose binary-token recall is within 0.2 points of the best any
  # threshold reaches) on two dev sets no model trained on and no evaluation uses: its own
  # default-profile notes (400, seed 777001) and 300 fresh stress-profile notes (seed 14160,
  # scored as benchmarks/layout_stress.py scores: Safe Harbor gold); the lower of the two.
  # The stress set is the one the student is weak on: its scores sit lower than the teacher's,
  # so the teacher's 0.52 can cut its true positives there. JSON into WORKDIR/eval/TAG-threshold*.
  WORK=$2 TAG=$3 CFG=$4
  mkdir -p "$WORK/eval"
  python benchmarks/calibrate_threshold.py --config "$CFG" --n "${N_CAL:-400}" --step 0.02 \
    --json "$WORK/eval/$TAG-threshold-default.json" > "$WORK/eval/$TAG-threshold-default.md"
  CFG="$CFG" GRID="${GRID:-0.30,0.40,0.44,0.46,0.48,0.50,0.52,0.56}" N="${N_STRESS_CAL:-300}" \
    python - "$WORK/eval/$TAG-threshold-default.json" "$WORK/eval/$TAG-threshold.json" <<'PY'
import contextlib, io, json, os, sys
from pathlib import Path
sys.path.insert(0, "benchmarks")
import layout_stress as ls
from fairdeid.corpora.synth import generate_notes
from fairdeid.pipeline import Pipeline
cfg, tolerance = Path(os.environ["CFG"]), 0.002
gold = list(generate_notes(int(os.environ["N"]), seed=14160, profile="stress"))
rows = []
for t in sorted(float(x) for x in os.environ["GRID"].split(",")):
    pipe = Pipeline.from_config(cfg, mode="tag",
                                overrides={"resolve": {"thresholds": {"transformer": t}}})
    with contextlib.redirect_stdout(io.StringIO()):
        sh = ls.run(f"t={t}", None, gold, pipe)["safe_harbor"]
    rows.append({"threshold": t, "recall": sh["token_recall"], "precision": sh["token_precision"]})
    print(f"stress seed 14160, threshold {t:.2f}: recall {sh['token_recall']:.4f} "
          f"precision {sh['token_precision']:.4f}", flush=True)
best = max(r["recall"] for r in rows)
stress = max(r["threshold"] for r in rows if r["recall"] >= best - tolerance)
default = json.loads(Path(sys.argv[1]).read_text("utf-8"))["chosen"]
chosen = min(stress, default)
Path(sys.argv[2]).write_text(json.dumps({
    "config": str(cfg), "rule": "highest threshold with recall >= best - 0.002; lower of the two",
    "stress": {"seed": 14160, "n": len(gold), "chosen": stress, "rows": rows},
    "default_profile": {"seed": 777001, "chosen": default}, "chosen": chosen}, indent=1) + "\n")
print(f"chosen: stress {stress:.2f}, default profile {default:.2f} -> {chosen:.2f}")
PY
  exit 0
fi
if [ "${1:-}" = continue ]; then
  # Version 3: continue the shipped student (INIT, default the packaged builtin, which was
  # version 2 when this ran) on more stress-profile notes, names and places from every locale
  # pool (--locales all), new seeds; lower lr for a continuation; dev mostly stress notes so
  # the best-model export follows what the layout-stress set measures.
  # The environment may shrink it (tests/train/test_distill_script.py: a tiny teacher and
  # student, a few notes): TEACHER, N_STRESS, N_DEFAULT, N_DEV_STRESS, N_DEV_DEFAULT, LR,
  # DISTILL_WEIGHT, DISTILL_T, TRAIN_EXTRA (more `fairdeid train` options, word-split).
  WORK=${2:-build/distill3}
  BUDGET=${3:-4700}
  INIT=${4:-builtin:minilm-mc-deid-l3}
  mkdir -p "$WORK"
  G=(--name-titles keep --locales all)
  fairdeid generate -n "${N_STRESS:-5000}" --seed 14151 --profile stress "${G[@]}" -o "$WORK/stress.jsonl"
  fairdeid generate -n "${N_DEFAULT:-1000}" --seed 14152 "${G[@]}" -o "$WORK/default.jsonl"
  fairdeid generate -n "${N_DEV_STRESS:-100}" --seed 14153 --profile stress "${G[@]}" -o "$WORK/dev-stress.jsonl"
  fairdeid generate -n "${N_DEV_DEFAULT:-30}" --seed 14154 "${G[@]}" -o "$WORK/dev-default.jsonl"
  cat "$WORK/stress.jsonl" "$WORK/default.jsonl" > "$WORK/train.jsonl"
  cat "$WORK/dev-stress.jsonl" "$WORK/dev-default.jsonl" > "$WORK/dev.jsonl"
  # shellcheck disable=SC2086  # TRAIN_EXTRA is a list of options
  nice -n 10 fairdeid train --train "$WORK/train.jsonl" --dev "$WORK/dev.jsonl" \
    --out "$WORK/model" --name minilm-mc-deid-l3 --kind transformer \
    --init "$INIT" --distill-from "${TEACHER:-builtin:minilm-mc-deid}" \
    --distill-weight "${DISTILL_WEIGHT:-0.5}" --distill-temperature "${DISTILL_T:-2}" \
    --augment-locales all --epochs 1 --seed 31 --batch-size 16 --lr "${LR:-2e-5}" \
    --max-length 128 --stride 32 --eval-every 50 --patience 6 --time-budget "$BUDGET" \
    --threads 1 --checkpoint-minutes 10 --json --no-progress ${TRAIN_EXTRA:-} > "$WORK/summary.json"
  exit 0
fi
if [ "${1:-}" = hand ]; then
  # Version 3 (issue 14, after the revert on en_blind5): continue the shipped student on
  # hand-written English gold notes as well as synthetic ones, so that it keeps up with the
  # teacher on notes no template wrote. Hand notes: en_train/en_w1 + en_w2 and en_blind1..3
  # (never en_blind4 or en_blind5: those are the held-out judges), titles cut out of the name
  # spans (the models' convention), each note 2x as written + 4x with identifiers re-drawn from
  # a random locale (scripts/handwritten_en_data.py); the last 2 notes of en_w1 and en_w2 are a
  # hand-written dev set instead. Synthetic: fresh seeds (14171-14174), stress 3 : default 1,
  # identifiers from every locale pool (--locales all; no per-epoch --augment-locales, which
  # would re-draw the hand notes' own identifiers every time). Teacher KL as version 2 (A 0.5,
  # T 2); dev (hand + synthetic) scored every EVAL_EVERY steps, the best by dev F2 exported.
  # Same environment knobs as `continue`, plus N_HAND_ORIG, N_HAND_LOC, EVAL_EVERY, EPOCHS.
  WORK=${2:-build/distill-en}
  BUDGET=${3:-4300}
  INIT=${4:-builtin:minilm-mc-deid-l3}
  HERE=$(dirname "$0")
  D=$HERE/../benchmarks/data
  mkdir -p "$WORK"
  H=(--ages-as-written --original "${N_HAND_ORIG:-2}" --localized "${N_HAND_LOC:-4}")
  python "$HERE/handwritten_en_data.py" "$D/en_train/en_w1.markup" "$D/en_train/en_w2.markup" \
    "${H[@]}" --seed 14175 --dev-last 2 --dev-out "$WORK/dev-hand.jsonl" -o "$WORK/hand-w.jsonl"
  python "$HERE/handwritten_en_data.py" "$D/en_blind1.markup" "$D/en_blind2.markup" \
    "$D/en_blind3.markup" "${H[@]}" --seed 14176 -o "$WORK/hand-b.jsonl"
  G=(--name-titles keep --locales all)
  fairdeid generate -n "${N_STRESS:-1500}" --seed 14171 --profile stress "${G[@]}" -o "$WORK/stress.jsonl"
  fairdeid generate -n "${N_DEFAULT:-500}" --seed 14172 "${G[@]}" -o "$WORK/default.jsonl"
  fairdeid generate -n "${N_DEV_STRESS:-40}" --seed 14173 --profile stress "${G[@]}" -o "$WORK/dev-stress.jsonl"
  fairdeid generate -n "${N_DEV_DEFAULT:-20}" --seed 14174 "${G[@]}" -o "$WORK/dev-default.jsonl"
  cat "$WORK/hand-w.jsonl" "$WORK/hand-b.jsonl" "$WORK/stress.jsonl" "$WORK/default.jsonl" > "$WORK/train.jsonl"
  cat "$WORK/dev-hand.jsonl" "$WORK/dev-stress.jsonl" "$WORK/dev-default.jsonl" > "$WORK/dev.jsonl"
  # shellcheck disable=SC2086  # TRAIN_EXTRA is a list of options
  nice -n 10 fairdeid train --train "$WORK/train.jsonl" --dev "$WORK/dev.jsonl" \
    --out "$WORK/model" --name minilm-mc-deid-l3 --kind transformer \
    --init "$INIT" --distill-from "${TEACHER:-builtin:minilm-mc-deid}" \
    --distill-weight "${DISTILL_WEIGHT:-0.5}" --distill-temperature "${DISTILL_T:-2}" \
    --epochs "${EPOCHS:-2}" --seed 37 --batch-size 16 --lr "${LR:-3e-5}" \
    --max-length 128 --stride 32 --eval-every "${EVAL_EVERY:-60}" --time-budget "$BUDGET" \
    --threads 1 --checkpoint-minutes 10 --json --no-progress ${TRAIN_EXTRA:-} > "$WORK/summary.json"
  exit 0
fi
WORK=${1:-build/distill}
BUDGET=${2:-3900}
mkdir -p "$WORK"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

# 1. Data (deterministic: generator seed + fairdeid version). Titles stay outside the name
#    spans (--name-titles keep), as in the teacher's and the shipped student's training data:
#    the model tags the name, the pipeline's title step (detect/titles.py) adds "Dr." before it.
fairdeid generate -n 2000 --seed 14141 --profile stress --name-titles keep -o "$WORK/stress.jsonl"
fairdeid generate -n 1000 --seed 14142 --name-titles keep -o "$WORK/default.jsonl"
fairdeid generate -n 80 --seed 14143 --profile stress --name-titles keep -o "$WORK/dev-stress.jsonl"
fairdeid generate -n 40 --seed 14144 --name-titles keep -o "$WORK/dev-default.jsonl"
cat "$WORK/stress.jsonl" "$WORK/default.jsonl" > "$WORK/train.jsonl"
cat "$WORK/dev-stress.jsonl" "$WORK/dev-default.jsonl" > "$WORK/dev.jsonl"

# 2. Distil + export (fused, per-channel int8 ONNX). Windows 128/32 as the student was trained.
nice -n 10 fairdeid train --train "$WORK/train.jsonl" --dev "$WORK/dev.jsonl" \
  --out "$WORK/model" --name minilm-mc-deid-l3 --kind transformer \
  --init builtin:minilm-mc-deid-l3 --distill-from builtin:minilm-mc-deid \
  --distill-weight 0.5 --distill-temperature 2 --augment-locales all \
  --epochs 1 --seed 29 --batch-size 16 --lr 4e-5 --max-length 128 --stride 32 \
  --eval-every 40 --patience 4 --time-budget "$BUDGET" --threads 1 \
  --checkpoint-minutes 10 --json --no-progress > "$WORK/summary.json"

# 3. Score it against the shipped student and the default (the model card's table):
#      sed 's|builtin:minilm-mc-deid-l3|'"$PWD/$WORK/model"'|' configs/fast.toml > "$WORK/new.toml"
#      scripts/distill_student.sh eval "$WORK" default
#      scripts/distill_student.sh eval "$WORK" shipped configs/fast.toml
#      scripts/distill_student.sh eval "$WORK" new "$WORK/new.toml"
