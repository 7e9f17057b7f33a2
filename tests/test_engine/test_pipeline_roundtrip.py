"""Targets made by the training pipeline, decoded by the head and mapped back
by the estimator, land on the annotated landmarks in original pixels."""
import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS, MODELS

from ..utils import REPO_ROOT


def test_encode_decode_roundtrip_in_image_pixels(synthetic_root):
    import hyatt_mmpose  # noqa: F401
    init_default_scope('mmpose')
    cfg = Config.fromfile(f'{REPO_ROOT}/configs/hyatt_synthetic_demo.py')
    # The training pipeline without its random bbox transform.
    pipeline = [
        t for t in cfg.train_pipeline if t.type != 'RandomBBoxTransform'
    ]
    dataset = DATASETS.build(
        dict(
            cfg.val_dataloader.dataset,
            pipeline=pipeline,
            data_root=synthetic_root))
    model = MODELS.build(cfg.model)
    for i in range(len(dataset)):
        sample = dataset[i]['data_samples']
        levels = [sample.gt_fields[k].heatmaps[None] for k in range(3)]
        preds = model.head.decode(levels)
        out = model.add_pred_to_datasample(preds, None, [sample])[0]
        np.testing.assert_allclose(
            out.pred_instances.keypoints,
            sample.gt_instances.keypoints,
            atol=0.1)
