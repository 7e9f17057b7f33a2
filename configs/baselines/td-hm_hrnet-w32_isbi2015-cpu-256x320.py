# Baseline for configs/hyatt_cephalometric_cpu-256x320.py: mmpose's HRNet-W32
# backbone with a single stride-4 heatmap level, and that config's data,
# 256 x 320 input, augmentation, loss weight, flip, optimizer, schedule shape
# and evaluation; only the model differs. docs/results.md reports both,
# trained with the same budget (an hour on one CPU core each).
_base_ = ['../_base_/default_runtime.py']

# runtime: the linear warm-up multiplies a cosine that runs over all epochs
max_epochs = 36
warmup_epochs = max_epochs // 4
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4.5e-4, weight_decay=0.01))
param_scheduler = [
    dict(
        type='LinearLR',
        begin=0,
        end=warmup_epochs,
        start_factor=1e-5,
        by_epoch=True,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        begin=0,
        end=max_epochs,
        T_max=max_epochs,
        eta_min=0.,
        by_epoch=True,
        convert_to_iter_based=True),
]
auto_scale_lr = dict(base_batch_size=2)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(
        type='WorkDirCheckpointHook',
        interval=5,
        save_best='MRE',
        rule='less',
        max_keep_ckpts=3))

# a few validation images drawn each round (work dir, TensorBoard if on)
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='SeenImagesHook'),
    dict(type='LandmarkVisualizationHook', num_images=4)
]

# codec settings: one heatmap at stride 4, DARK decoding
input_size = (256, 320)
codec = [
    dict(
        type='MSRAHeatmap',
        input_size=input_size,
        heatmap_size=(input_size[0] // 4, input_size[1] // 4),
        sigma=2,
        unbiased=True,
        blur_kernel_size=11)
]

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
    # one level of our multi-level head (a 3x3 conv-BN-ReLU and a 1x1 conv):
    # its flip test shifts heatmaps exactly, as HYATT-Net's does
    head=dict(
        type='MultiResolutionHeatmapHead',
        in_channels=32,
        out_channels=19,
        strides=(4, ),
        decoder=codec,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        # the weight of HYATT-Net's stride-4 level
        loss_weights=(1000., )),
    test_cfg=dict(flip_test=True, shift_heatmap='exact'))

# base dataset settings
dataset_type = 'ISBI2015Dataset'
data_mode = 'topdown'
data_root = 'data/isbi2015/'

# pipelines: the whole image plus a 25 % margin; a mirrored cephalogram
# keeps every landmark's identity (no swap pairs in the metainfo)
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal', prob=0.4),
    # brightness and contrast jitter; its saturation and hue steps leave a
    # grey radiograph (R = G = B) as it is
    dict(type='PhotometricDistortion'),
    dict(
        type='RandomScaleRotateShift',
        scale_sigma=0.5,
        scale_limits=(0.5, 1.5),
        rotate_sigma=40.,
        rotate_limit=80.,
        rotate_prob=0.6,
        shift_factor=0.15),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec, multilevel=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.25),
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
