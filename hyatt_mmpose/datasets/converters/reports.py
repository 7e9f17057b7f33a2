"""What the converters print: images per split, entries left out."""
from typing import Dict, Sequence


def report_skipped(bad: Sequence[str]) -> None:
    """Prints the entries that ``--skip-bad`` left out, if any.

    Args:
        bad (Sequence[str]): One message per entry, naming it.
    """
    if bad:
        print(f'skipped {len(bad)} bad entries:')
        for message in bad:
            print(f'  {message}')


def format_counts(counts: Dict[str, int]) -> str:
    """The images per split, as ``'train: 130 val: 20 images'``.

    Args:
        counts (dict): Split -> number of images, in the order to print.

    Returns:
        str: The line.
    """
    return ' '.join(f'{k}: {v}' for k, v in counts.items()) + ' images'
