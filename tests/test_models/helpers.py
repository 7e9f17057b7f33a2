"""Batches for model tests: images and the targets the pipeline would make."""
import numpy as np
import torch
from mmengine.structures import InstanceData, PixelData
from mmpose.registry import KEYPOINT_CODECS
from mmpose.structures import MultilevelPixelData, PoseDataSample


def training_batch(codec_cfgs,
                   num_keypoints: int,
                   batch: int = 2,
                   seed: int = 0) -> dict:
    """A ``train_step`` batch: uint8 images at the codec input size and
    targets encoded by the codec(s) (a list means multilevel)."""
    rng = np.random.default_rng(seed)
    multilevel = isinstance(codec_cfgs, (list, tuple))
    cfgs = codec_cfgs if multilevel else [codec_cfgs]
    codecs = [KEYPOINT_CODECS.build(dict(c)) for c in cfgs]
    w, h = cfgs[0]['input_size']
    inputs, samples = [], []
    for _ in range(batch):
        points = rng.uniform([4, 4], [w - 4, h - 4], (1, num_keypoints, 2))
        visible = np.ones((1, num_keypoints), dtype=np.float32)
        encoded = [c.encode(points, visible) for c in codecs]
        sample = PoseDataSample(
            metainfo=dict(
                input_size=(w, h),
                input_center=np.array([w / 2, h / 2]),
                input_scale=np.array([w, h]),
                flip_indices=list(range(num_keypoints))))
        if multilevel:
            fields = MultilevelPixelData()
            fields.set_field([e['heatmaps'] for e in encoded], 'heatmaps')
            weights = np.stack([e['keypoint_weights'] for e in encoded])
        else:
            fields = PixelData(heatmaps=encoded[0]['heatmaps'])
            weights = encoded[0]['keypoint_weights']
        sample.gt_fields = fields.to_tensor()
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=weights).to_tensor()
        sample.gt_instances = InstanceData(
            keypoints=points,
            keypoints_visible=visible,
            bboxes=np.array([[0, 0, w, h]], dtype=np.float32),
            bbox_scores=np.ones(1, dtype=np.float32))
        inputs.append(
            torch.from_numpy(rng.integers(0, 255, (3, h, w), dtype=np.uint8)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)
