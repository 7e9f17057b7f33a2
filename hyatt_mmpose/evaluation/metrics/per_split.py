from typing import Callable, Dict, List


def compute_per_split(
        results: List[dict],
        compute: Callable[[List[dict]], Dict[str, float]]) -> Dict[str, float]:
    """Metrics over all results, and over each split when there are several.

    Results carry the ``split`` that :class:`LandmarkDataset` tags its
    samples with (e.g. ``'test1'``, ``'test2'`` of a ``ConcatDataset``); each
    split's metrics are added as ``'{split}/{name}'``.
    """
    metrics = compute(results)
    splits = sorted({r.get('split') for r in results} - {None})
    if len(splits) > 1:
        for split in splits:
            part = [r for r in results if r.get('split') == split]
            metrics.update({
                f'{split}/{k}': v
                for k, v in compute(part).items()
            })
    return metrics
