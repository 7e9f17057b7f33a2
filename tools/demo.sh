#!/usr/bin/env bash
# `make demo`: the synthetic set, HYATT-Net trained on it (CPU-sized preset),
# tested on its held-out images, and used on one of them with an overlay.
# Run after `make setup`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
CONFIG=configs/hyatt_synthetic_demo.py
WORK_DIR=work_dirs/hyatt_synthetic_demo

echo "[demo] 1/4 synthetic data set in data/synthetic"
if [ -f data/synthetic/annotations/test.json ]; then
    echo "[demo]     already there"
else
    "$PY" tools/make_synthetic_dataset.py data/synthetic
fi

echo "[demo] 2/4 training $CONFIG (a few minutes on 2 cores; log in $WORK_DIR)"
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --resume

best=$(ls -t "$WORK_DIR"/best_MRE_*.pth | head -n 1)
echo "[demo] 3/4 testing $best on the 20 test images"
"$PY" tools/test.py "$CONFIG" "$best" --work-dir "$WORK_DIR" \
    --out "$WORK_DIR/test_metrics.json" > "$WORK_DIR/test.log" 2>&1 \
    || { tail -n 20 "$WORK_DIR/test.log"; exit 1; }
"$PY" - "$WORK_DIR/test_metrics.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
print('[demo] test set: MRE %.2f +- %.2f mm' % (m['MRE'], m['MRE_std']))
print('[demo] SDR: ' + ', '.join(
    f'{k[4:]} {v:.1f}%' for k, v in m.items() if k.startswith('SDR_')))
print(f'[demo] metrics: {sys.argv[1]}')
PYEOF

image=data/synthetic/images/test_0000.png
echo "[demo] 4/4 landmarks on $image"
"$PY" tools/predict.py "$CONFIG" "$best" "$image" --spacing 0.5 \
    --out-dir "$WORK_DIR/predictions" --overwrite > "$WORK_DIR/predict.log" 2>&1 \
    || { tail -n 20 "$WORK_DIR/predict.log"; exit 1; }
echo "[demo] overlay: $WORK_DIR/predictions/test_0000_overlay.png"
echo "[demo] landmarks: $WORK_DIR/predictions/test_0000.json"
