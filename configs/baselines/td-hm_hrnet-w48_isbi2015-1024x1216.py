# Baseline: HRNet-W48, otherwise as td-hm_hrnet-w32_isbi2015-1024x1216.py.
_base_ = ['./td-hm_hrnet-w32_isbi2015-1024x1216.py']

# model settings
model = dict(
    backbone=dict(
        extra=dict(
            stage2=dict(num_channels=(48, 96)),
            stage3=dict(num_channels=(48, 96, 192)),
            stage4=dict(num_channels=(48, 96, 192, 384)))),
    head=dict(in_channels=48))
