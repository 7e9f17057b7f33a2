# configs/hyatt_cephalometric.py (HYATT-Net at the published 1024 x 1216)
# followed by the full-resolution refinement stage (PatchRefinementHead):
# each landmark found again in a 64 x 64 patch around the coarse estimate,
# at the coarse input's own pixel (zoom 1: 0.24 mm on ISBI 2015, as the CPU
# preset's zoom 4), offsets drawn as wide in mm as the CPU preset's (8
# coarse pixels here, 2 there). Never trained here (no GPU has been lent).
# Two steps, one checkpoint (docs/user_guides/refinement.md): train the
# coarse config, then this one with
#   --cfg-options model.coarse_checkpoint=COARSE_CHECKPOINT
_base_ = ['./hyatt_cephalometric.py']

# runtime: patches are cheap; the epochs are the images' loading
max_epochs = 30
train_cfg = dict(max_epochs=max_epochs, val_interval=2)
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4))
param_scheduler = [
    dict(
        type='LinearLR',
        begin=0,
        end=1,
        start_factor=1e-3,
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
auto_scale_lr = dict(base_batch_size=4)
custom_hooks = [dict(type='SyncBuffersHook'), dict(type='SeenImagesHook')]

# model settings: the coarse model as configs/hyatt_cephalometric.py, frozen
model = dict(
    type='RefinedTopdownPoseEstimator',
    coarse_checkpoint=None,
    refiner=dict(
        type='PatchRefinementHead',
        num_keypoints=19,
        patch_size=64,
        zoom=1.,
        channels=(16, 32, 64, 128),
        sigma=2.,
        offset_sigma=8.,
        negative_prob=0.1,
        # no patch augmentation and min_score 0.2: chosen on validation
        # (docs/results.md, "Full-resolution refinement")
        rotate_limit=0.,
        scale_limit=0.,
        gamma_limit=0.,
        min_score=0.2))

# pipelines: the full-resolution grey image travels with each sample
meta_keys = ('id', 'img_id', 'img_path', 'category_id', 'crowd_index',
             'ori_shape', 'img_shape', 'input_size', 'input_center',
             'input_scale', 'flip', 'flip_direction', 'flip_indices',
             'raw_ann_info', 'dataset_name', 'full_image')
refine_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='StoreFullImage'),
    dict(type='TopdownAffine', input_size={{_base_.input_size}}),
    dict(type='PackPoseInputs', meta_keys=meta_keys)
]

# data loaders
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=refine_pipeline))
val_dataloader = dict(dataset=dict(pipeline=refine_pipeline))
test_dataloader = dict(
    dataset=dict(datasets=[
        dict(
            type='ISBI2015Dataset',
            data_root='data/isbi2015/',
            data_mode='topdown',
            ann_file=f'annotations/{split}.json',
            data_prefix=dict(img=''),
            test_mode=True,
            split=split,
            pipeline=refine_pipeline) for split in ('test1', 'test2')
    ]))
