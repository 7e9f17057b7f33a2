from typing import Dict, Iterator, List

from mmengine.hooks import Hook
from mmpose.registry import HOOKS

from hyatt_mmpose.datasets.image_identity import image_sha256

# the data loaders whose images a checkpoint has been trained or selected on
LOADERS = ('train_dataloader', 'val_dataloader')


def dataset_image_paths(dataset) -> Iterator[str]:
    """The image files of a dataset, through mmengine's wrappers
    (``ConcatDataset``'s ``datasets``, ``RepeatDataset``'s ``dataset``)."""
    if hasattr(dataset, 'datasets'):
        for part in dataset.datasets:
            yield from dataset_image_paths(part)
        return
    if hasattr(dataset, 'dataset'):
        yield from dataset_image_paths(dataset.dataset)
        return
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    for i in range(len(dataset)):
        yield dataset.get_data_info(i)['img_path']


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
    Costs one decode per image at the start of training.
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
            self.unrecorded.append(str(runner.cfg.get('load_from')))
        self.unrecorded += meta.get('seen_images_unrecorded', [])
        for loader, images in (meta.get('seen_images') or {}).items():
            self.seen.setdefault(loader, {}).update(images)

    def before_train(self, runner) -> None:
        loaders = dict(train_dataloader=runner.train_dataloader)
        if runner.val_loop is not None:
            loaders['val_dataloader'] = runner.val_loop.dataloader
        for loader, dataloader in loaders.items():
            dataset = dataloader.dataset
            where = getattr(dataset, 'ann_file', None) or loader
            images = self.seen.setdefault(loader, {})
            for path in dataset_image_paths(dataset):
                images.setdefault(image_sha256(path), where)
        runner.logger.info('seen images recorded for the checkpoints: ' +
                           ', '.join(f'{len(v)} ({k})'
                                     for k, v in self.seen.items()))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.setdefault('meta', {})
        meta['seen_images'] = self.seen
        if self.unrecorded:
            meta['seen_images_unrecorded'] = self.unrecorded
