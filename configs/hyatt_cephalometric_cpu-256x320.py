# HYATT-Net on ISBI 2015 sized for an hour on one CPU core: a 256 x 320
# (W x H) input, the encoder at half width, the released recipe of
# configs/hyatt_cephalometric.py (augmentation, framing, loss weights, flip,
# schedule shape cut to the epochs that fit in the hour) and our
# full-resolution decoder: at this budget it beat the released decoder on
# Test1 and Test2 (docs/results.md), which
# hyatt_cephalometric_cpu-256x320_released-decoder.py keeps for comparison.
# Data: tools/dataset_converters/isbi2015.py.
_base_ = ['./_base_/default_runtime.py']

# runtime: the linear warm-up (10 of the 40 epochs that fit in the hour)
# multiplies a cosine that runs over all epochs, as released
max_epochs = 40
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

# codec settings: heatmaps at strides 4, 2 and 1, decoded with DARK (its
# blur kernel grown with sigma), sigma in heatmap pixels
input_size = (256, 320)
codec = [
    dict(
        type='MSRAHeatmap',
        input_size=input_size,
        heatmap_size=(input_size[0] // s, input_size[1] // s),
        sigma=sigma,
        unbiased=True,
        blur_kernel_size=6 * sigma - 1)
    for s, sigma in ((4, 2), (2, 2), (1, 4))
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
        type='BiFormer',
        # the hyatt preset with half its widths, a quarter of its regions
        # per side (the feature maps are a quarter as wide) and MLP ratio 4
        arch=dict(
            depths=[1, 1, 1, 1, 1],
            widths=[32, 64, 128, 256, 512],
            n_wins=[8, 8, 8, 4, 4],
            topks=[1, 4, 8, 16, -1],
            kv_per_wins=4,
            mlp_ratios=4,
            embed='patch',
            arm=True,
            image_output=True),
        # the image and every stage: stage 1 corrects at stride 2, the image
        # at stride 1
        out_indices=(0, 1, 2, 3, 4, 5),
        drop_path_rate=0.1),
    neck=dict(
        type='FullResolutionFFCMNeck',
        in_channels=[3, 32, 64, 128, 256, 512],
        in_strides=[1, 2, 4, 8, 16, 32],
        channels=32,
        image_channels=16,
        out_strides=(4, 2, 1)),
    head=dict(
        type='MultiResolutionHeatmapHead',
        in_channels=32,
        out_channels=19,
        strides=(4, 2, 1),
        decoder=codec,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        loss_weights=(1000., 3000., 3000.)),
    # mirrored image averaged in, heatmaps shifted back (s - 1) / s pixels
    # at stride s (README, "Where we differ from the release")
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
