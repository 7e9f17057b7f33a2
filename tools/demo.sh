#!/usr/bin/env bash
# `make demo`: the synthetic set, HYATT-Net trained on it (CPU-sized preset),
# the full-resolution refinement stage trained on top of it, both tested on
# the held-out images, and the refined model used on one of them with an
# overlay.
# Run after `make setup`.
#
#   make demo              # seed 0: the same MRE on the same machine each time
#   make demo SEED=123     # another draw of the training's randomness
#   make demo SEED=random  # a fresh draw, printed so that it can be repeated
#
# The seed is the runner's (randomness.seed: weights, shuffling, augmentation,
# the data loader workers'); the synthetic set itself is always the one of
# seed 0. Each seed trains in its own work dir: an interrupted training
# resumes there, a finished one is only tested again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
CONFIG=configs/hyatt_synthetic_demo.py
REFINED_CONFIG=configs/hyatt_synthetic_demo_refined.py
SEED=${SEED:-0}
[ "$SEED" = random ] && SEED=$(( (RANDOM << 15) | RANDOM ))
# (numpy takes seeds below 2**32)
if [[ ! "$SEED" =~ ^[0-9]{1,10}$ ]] || (( 10#$SEED > 4294967295 )); then
    echo "[demo] error: SEED=$SEED: give a whole number from 0 to 4294967295, or SEED=random" >&2
    exit 2
fi
SEED=$(( 10#$SEED ))
WORK_DIR=work_dirs/hyatt_synthetic_demo_seed$SEED
echo "[demo] seed $SEED (make demo SEED=$SEED repeats it)"

echo "[demo] 1/5 synthetic data set in data/synthetic"
if [ -f data/synthetic/annotations/test.json ]; then
    echo "[demo]     already there"
else
    "$PY" tools/make_synthetic_dataset.py data/synthetic
fi

if [ -f "$WORK_DIR/.trained" ]; then
    # (resuming a finished run is refused: it would train nothing)
    echo "[demo] 2/5 $WORK_DIR is trained already (remove it to train again)"
else
    echo "[demo] 2/5 training $CONFIG (about 6 minutes on 2 cores; log in $WORK_DIR)"
    # The seed alone repeats a CPU run bit for bit (same weights, same MRE,
    # seen twice in a row). deterministic=True would also make PyTorch refuse
    # ops without a deterministic kernel: on a GPU, the backward of the
    # head's bilinear upsampling, so the demo would stop there.
    "$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --resume \
        --cfg-options randomness.seed="$SEED" randomness.deterministic=False
    touch "$WORK_DIR/.trained"
fi

best=$(ls -t "$WORK_DIR"/best_MRE_*.pth | head -n 1)
REFINED_DIR=$WORK_DIR/refined
if [ -f "$REFINED_DIR/.trained" ]; then
    echo "[demo] 3/5 $REFINED_DIR is trained already (remove it to train again)"
else
    echo "[demo] 3/5 training the refinement $REFINED_CONFIG on top of $best (a few minutes; log in $REFINED_DIR.log)"
    "$PY" tools/train.py "$REFINED_CONFIG" --work-dir "$REFINED_DIR" --resume \
        --cfg-options model.coarse_checkpoint="$best" \
        randomness.seed="$SEED" randomness.deterministic=False \
        > "$REFINED_DIR.log" 2>&1 || { tail -n 20 "$REFINED_DIR.log"; exit 1; }
    touch "$REFINED_DIR/.trained"
fi
refined=$(ls -t "$REFINED_DIR"/best_MRE_*.pth | head -n 1)

echo "[demo] checkpoints: $best (coarse), $refined (refined)"
echo "[demo] 4/5 testing both on the 20 test images"
"$PY" tools/test.py "$CONFIG" "$best" --work-dir "$WORK_DIR" \
    --out "$WORK_DIR/test_metrics.json" > "$WORK_DIR/test.log" 2>&1 \
    || { tail -n 20 "$WORK_DIR/test.log"; exit 1; }
"$PY" tools/test.py "$REFINED_CONFIG" "$refined" --work-dir "$REFINED_DIR" \
    --out "$REFINED_DIR/test_metrics.json" > "$REFINED_DIR/test.log" 2>&1 \
    || { tail -n 20 "$REFINED_DIR/test.log"; exit 1; }
"$PY" - "$WORK_DIR/test_metrics.json" "$REFINED_DIR/test_metrics.json" <<'PYEOF'
import json, sys
for name, path in zip(('coarse ', 'refined'), sys.argv[1:]):
    m = json.load(open(path))
    print('[demo] test set, %s: MRE %.2f +- %.2f mm; SDR %s' % (
        name, m['MRE'], m['MRE_std'], ', '.join(
            f'{k[4:]} {v:.1f}%' for k, v in m.items() if k.startswith('SDR_'))))
print(f'[demo] metrics: {sys.argv[1]}, {sys.argv[2]}')
PYEOF

image=data/synthetic/images/test_0000.png
echo "[demo] 5/5 landmarks on $image (the refined model)"
"$PY" tools/predict.py "$REFINED_CONFIG" "$refined" "$image" --spacing 0.5 \
    --out-dir "$WORK_DIR/predictions" --overwrite > "$WORK_DIR/predict.log" 2>&1 \
    || { tail -n 20 "$WORK_DIR/predict.log"; exit 1; }
echo "[demo] overlay: $WORK_DIR/predictions/test_0000_overlay.png"
echo "[demo] landmarks: $WORK_DIR/predictions/test_0000.json"
