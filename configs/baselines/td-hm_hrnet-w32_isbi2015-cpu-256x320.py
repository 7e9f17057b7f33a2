# Baseline for configs/hyatt_cephalometric_cpu-256x320.py: mmpose's HRNet-W32
# heatmap model with that config's data, 256 x 320 input, augmentation,
# optimizer, schedule shape and evaluation; only the model and its single
# stride-4 heatmap differ. docs/results.md reports both, trained with the
# same budget (an hour on one CPU core each).
_base_ = ['../_base_/default_runtime.py']

# runtime
warmup_epochs = 4
cosine_epochs = 16
train_cfg = dict(max_epochs=warmup_epochs + cosine_epochs, val_interval=1)
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4.5e-4, weight_decay=0.01))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=warmup_epochs, start_factor=1e-3,
         by_epoch=True, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', begin=warmup_epochs,
         end=warmup_epochs + cosine_epochs, T_max=cosine_epochs, eta_min=0.,
         by_epoch=True, convert_to_iter_based=True),
]
auto_scale_lr = dict(base_batch_size=2)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(
        type='CheckpointHook', interval=5, save_best='MRE', rule='less',
        max_keep_ckpts=3))

# a few validation images drawn each round (work dir, TensorBoard if on)
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='LandmarkVisualizationHook', num_images=4)
]

# codec settings: one heatmap at stride 4, DARK decoding
input_size = (256, 320)
codec = dict(
    type='MSRAHeatmap',
    input_size=input_size,
    heatmap_size=(64, 80),
    sigma=2,
    unbiased=True,
    blur_kernel_size=11)

# model settings
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(
                num_modules=1,
                num_branches=1,
                block='BOTTLENECK',
                num_blocks=(4, ),
                num_channels=(64, )),
            stage2=dict(
                num_modules=1,
                num_branches=2,
                block='BASIC',
                num_blocks=(4, 4),
                num_channels=(32, 64)),
            stage3=dict(
                num_modules=4,
                num_branches=3,
                block='BASIC',
                num_blocks=(4, 4, 4),
                num_channels=(32, 64, 128)),
            stage4=dict(
                num_modules=3,
                num_branches=4,
                block='BASIC',
                num_blocks=(4, 4, 4, 4),
                num_channels=(32, 64, 128, 256)))),
    head=dict(
        type='HeatmapHead',
        in_channels=32,
        out_channels=19,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=False))

# base dataset settings
dataset_type = 'ISBI2015Dataset'
data_mode = 'topdown'
data_root = 'data/isbi2015/'

# pipelines: no left-right flip, a lateral cephalogram has none
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(
        type='RandomBBoxTransform',
        shift_factor=0.05,
        scale_factor=(0.9, 1.1),
        rotate_factor=10),
    dict(type='TopdownAffine', input_size=input_size),
    # brightness and contrast jitter; its saturation and hue steps leave a
    # grey radiograph (R = G = B) as it is
    dict(type='PhotometricDistortion'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs')
]

# data loaders: checkpoints are chosen on val, carved out of the training set
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/train.json',
        data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2,
    num_workers=0,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/val.json',
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=val_pipeline))
# Test1 and Test2 together, reported overall and each (test1/MRE, ...)
test_dataloader = dict(
    batch_size=2,
    num_workers=0,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(
                type=dataset_type,
                data_root=data_root,
                data_mode=data_mode,
                ann_file=f'annotations/{split}.json',
                data_prefix=dict(img=''),
                test_mode=True,
                split=split,
                pipeline=val_pipeline) for split in ('test1', 'test2')
        ]))

# evaluators: radial error, and the challenge's clinical classifications
val_evaluator = [
    dict(type='RadialErrorMetric'),
    dict(type='CephalometricClassificationMetric')
]
test_evaluator = val_evaluator
