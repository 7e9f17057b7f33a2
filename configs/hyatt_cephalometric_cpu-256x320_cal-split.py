# configs/hyatt_cephalometric_cpu-256x320.py trained without the 20
# calibration images of tools/calibrate.py: convert with
#   python tools/dataset_converters/isbi2015.py data/isbi2015 \
#       --out-dir data/isbi2015/annotations_cal --cal-size 20
# (train 110; val the same 20 images as the default conversion; cal 20).
_base_ = ['./hyatt_cephalometric_cpu-256x320.py']

# data loaders: tools/calibrate.py --split cal reads annotations_cal/cal.json
train_dataloader = dict(dataset=dict(ann_file='annotations_cal/train.json'))
val_dataloader = dict(dataset=dict(ann_file='annotations_cal/val.json'))
