import os.path as osp
from typing import Dict, Iterator, List, Tuple

import numpy as np
from mmengine.hooks import Hook
from mmpose.registry import HOOKS

from hyatt_mmpose.datasets import ConversionError, LandmarkDataset
from hyatt_mmpose.datasets.image_identity import image_fingerprint

# the data loaders whose images a checkpoint has been trained or selected on
LOADERS = ('train_dataloader', 'val_dataloader')


def dataset_entries(dataset) -> Iterator[Tuple[object, dict]]:
    """Each data entry of a dataset with the dataset holding it, through
    mmengine's wrappers (``ConcatDataset``'s ``datasets``,
    ``RepeatDataset``'s ``dataset``).

    Args:
        dataset: A built dataset.

    Yields:
        tuple: The innermost dataset and one of its ``get_data_info``
        dicts (``img_path``, ``bbox``, ...).
    """
    if hasattr(dataset, 'datasets'):
        for part in dataset.datasets:
            yield from dataset_entries(part)
        return
    if hasattr(dataset, 'dataset'):
        yield from dataset_entries(dataset.dataset)
        return
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    for i in range(len(dataset)):
        yield dataset, dataset.get_data_info(i)


def _check_size(info: dict, shape: Tuple[int, int], where: str) -> None:
    """Refuses an image whose size is not the one its entry frames (see
    :class:`LandmarkDataset`), before training rather than in a worker.

    Raises:
        ConversionError: Naming the annotation file, image and sizes.
    """
    framed = np.asarray(info['bbox'], dtype=np.float64).reshape(-1)[2:4]
    if tuple(framed) != (shape[1], shape[0]):
        raise ConversionError(
            f'{where}, image id {info.get("img_id")}: {info["img_path"]} is '
            f'{shape[1]} x {shape[0]} px, its entry says {framed[0]:g} x '
            f'{framed[1]:g} ("width" x "height"); correct the entry')


@HOOKS.register_module()
class SeenImagesHook(Hook):
    """Records in every checkpoint which images it has seen, by content.

    ``meta['seen_images']`` maps each loader of ``LOADERS`` to
    ``{pixel SHA-256: annotation file}`` (see
    :func:`hyatt_mmpose.datasets.image_identity.image_sha256`), merged with
    what the checkpoint it was loaded or resumed from had seen (one without
    that record is named in ``meta['seen_images_unrecorded']``). So
    ``tools/calibrate.py`` and ``tools/adapt.py`` refuse a model's own
    training images from any folder, under any name, without needing the
    training data's annotation files to be found where the config says.
    Costs one decode per image at the start of training (about 70 ms for
    a 1935 x 2400 radiograph on a 2-core machine), where it also refuses an
    image whose size differs from its annotation entry, before any step.
    """

    priority = 'VERY_LOW'

    def __init__(self):
        self.seen: Dict[str, Dict[str, str]] = {}
        self.unrecorded: List[str] = []

    def before_run(self, runner) -> None:
        self.seen = {loader: {} for loader in LOADERS}
        self.unrecorded = []

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta') or {}
        if 'seen_images' not in meta:
            # its training images are unknown: the leakage checks must
            # still read them from the config files
            load_from = runner.cfg.get('load_from')
            self.unrecorded.append(
                osp.abspath(load_from) if load_from else
                f'the checkpoint resumed in {runner.work_dir}')
        self.unrecorded += meta.get('seen_images_unrecorded', [])
        for loader, images in (meta.get('seen_images') or {}).items():
            self.seen.setdefault(loader, {}).update(images)

    def before_train(self, runner) -> None:
        loaders = dict(train_dataloader=runner.train_dataloader)
        if runner.val_loop is not None:
            loaders['val_dataloader'] = runner.val_loop.dataloader
        for loader, dataloader in loaders.items():
            images = self.seen.setdefault(loader, {})
            for dataset, info in dataset_entries(dataloader.dataset):
                where = getattr(dataset, 'ann_file', None) or loader
                digest, shape = image_fingerprint(info['img_path'])
                if isinstance(dataset, LandmarkDataset):
                    _check_size(info, shape, where)
                images.setdefault(digest, where)
        runner.logger.info('seen images recorded for the checkpoints: ' +
                           ', '.join(f'{len(v)} ({k})'
                                     for k, v in self.seen.items()))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.setdefault('meta', {})
        meta['seen_images'] = self.seen
        if self.unrecorded:
            meta['seen_images_unrecorded'] = self.unrecorded
