import numpy as np


def balanced_recall(truth: np.ndarray, pred: np.ndarray,
                    num_classes: int) -> float:
    """The ISBI 2015 challenge's success classification rate (SCR), in %.

    The recall of each class ``1..num_classes`` (the share of its
    ground-truth cases predicted as it), summed and divided by 3, as the
    challenge scored it: a class absent from the ground truth contributes 0
    and the divisor stays 3. For MW, whose class 2 (exactly 0 mm) rarely
    occurs, the recalls of its four classes are summed.
    """
    recalls = [
        np.mean(pred[truth == c] == c) if np.any(truth == c) else 0.0
        for c in range(1, num_classes + 1)
    ]
    return float(np.sum(recalls) / 3 * 100)
