"""Plots of conformal radii against observed errors, and of nominal
against empirical coverage."""
from typing import Dict, Sequence

import numpy as np


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')  # files only, no display needed
    import matplotlib.pyplot as plt
    return plt


def plot_radius_vs_error(errors_mm: np.ndarray, radii_mm: np.ndarray,
                         names: Sequence[str], coverage: float,
                         path: str) -> None:
    """One panel per landmark: each image's radius (x) against its
    observed error (y); points on or below the diagonal are covered.

    Args:
        errors_mm (np.ndarray): ``(n, K)`` radial errors (NaN left out).
        radii_mm (np.ndarray): ``(n, K)`` conformal radii (infinite ones
            are left out).
        names (Sequence[str]): The K landmark names.
        coverage (float): The nominal coverage, for the titles.
        path (str): The PNG to write.
    """
    plt = _pyplot()
    cols = 5
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3 * cols, 3 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(names):
            ax.axis('off')
            continue
        # infinite radii (too few calibration images) cannot be drawn
        keep = ~np.isnan(errors_mm[:, k]) & np.isfinite(radii_mm[:, k])
        if not keep.any():
            ax.set_title(f'{names[k]}: no finite radius', fontsize=9)
            continue
        err, rad = errors_mm[keep, k], radii_mm[keep, k]
        top = max(err.max(), rad.max()) * 1.05
        covered = err <= rad
        ax.scatter(rad[covered], err[covered], s=8, c='tab:blue')
        ax.scatter(rad[~covered], err[~covered], s=8, c='tab:red')
        ax.plot([0, top], [0, top], 'k--', lw=0.8)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_title(f'{names[k]}: {covered.mean():.0%}', fontsize=9)
        if k % cols == 0:
            ax.set_ylabel('error (mm)')
        if k >= len(names) - cols:
            ax.set_xlabel('radius (mm)')
    fig.suptitle(f'conformal radius against error ({coverage:.0%} nominal; '
                 'red: outside the radius)')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_reliability(levels: Sequence[float], empirical: Dict[str, np.ndarray],
                     path: str) -> None:
    """Nominal (x) against empirical (y) coverage, one line per split.

    Args:
        levels (Sequence[float]): Nominal coverages in (0, 1).
        empirical (dict): Split name to the empirical coverage at each
            level, in (0, 1).
        path (str): The PNG to write.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 5))
    nominal = 100 * np.asarray(levels)
    ax.plot(nominal, nominal, 'k--', lw=0.8, label='nominal')
    for name, values in empirical.items():
        ax.plot(nominal, 100 * np.asarray(values), marker='.', label=name)
    ax.set_xlabel('nominal coverage (%)')
    ax.set_ylabel('empirical coverage (%)')
    ax.set_xlim(nominal[0], 100)
    ax.set_ylim(
        min(nominal[0], *(100 * np.min(v) for v in empirical.values())), 100)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
