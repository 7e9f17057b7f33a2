# configs/hyatt_cephalometric_cpu-256x320.py trained and validated on the
# senior doctor's annotations alone: the base model of the site-adaptation
# measurements in docs/results.md (adapted to the junior doctor). Convert
# with
#   python tools/dataset_converters/isbi2015.py data/isbi2015 \
#       --ground-truth senior --out-dir data/isbi2015/annotations_senior
_base_ = ['./hyatt_cephalometric_cpu-256x320.py']

# data loaders: the same images as the default conversion, senior points
train_dataloader = dict(dataset=dict(ann_file='annotations_senior/train.json'))
val_dataloader = dict(dataset=dict(ann_file='annotations_senior/val.json'))
test_dataloader = dict(
    dataset=dict(datasets=[
        dict(
            type={{_base_.dataset_type}},
            data_root={{_base_.data_root}},
            data_mode={{_base_.data_mode}},
            ann_file=f'annotations_senior/{split}.json',
            data_prefix=dict(img=''),
            test_mode=True,
            split=split,
            pipeline={{_base_.val_pipeline}}) for split in ('test1', 'test2')
    ]))
