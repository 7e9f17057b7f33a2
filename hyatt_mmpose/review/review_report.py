"""The report of a reviewed image: one self-contained HTML file (the traced
radiograph embedded, the measurement table with normal ranges, classes and
intervals, the corrections and who made them, the model's identity) and a
PDF of it, in ``review/reports/``.

The PDF is rendered from the same HTML by WeasyPrint; where WeasyPrint or
its system libraries (Pango) are missing, matplotlib's PDF backend lays out
the same content.
"""
import base64
import html
import os.path as osp
from typing import List, Tuple

import cv2
import numpy as np
from PIL import ImageFile

from ..datasets.image_io import read_radiograph
from ..utils import atomic_write
from ..visualization import add_legend, draw_landmarks, draw_planes
from .review_store import REVIEW_FOLDER, RULER, ReviewFileError, ReviewStore

#: The folder of the reports, under the review folder.
REPORTS_FOLDER = 'reports'
# The traced image's longest side in the report, in pixels: enough to read
# the numbers, small enough for a PDF page.
_REPORT_SIDE = 1400
_STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.2em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; }
img { max-width: 100%; }
.note { color: #555; }
@page { size: A4; margin: 1.2cm; }
"""


def traced_image(state: dict) -> np.ndarray:
    """The radiograph with the reviewed landmarks numbered, the planes, and
    a legend; flagged landmarks that were not moved are marked, and the
    conformal radii of unmoved landmarks drawn.

    Args:
        state (dict): An image's review state.

    Returns:
        np.ndarray: BGR, at most ``_REPORT_SIDE`` pixels high or wide (the
        legend beside it).
    """
    image = read_radiograph(state['image_file']).image
    landmarks = state['landmarks']
    points = np.array([[
        np.nan if lm['x_px'] is None else lm['x_px'],
        np.nan if lm['y_px'] is None else lm['y_px']
    ] for lm in landmarks])
    names = [lm['name'] for lm in landmarks]
    # a radius is about the model's point: none for a corrected one
    radii = np.array([[np.inf, np.inf] if lm['moved']
                      or lm.get('radius_px') is None else lm['radius_px']
                      for lm in landmarks])
    flagged = [bool(lm['flags']) and not lm['moved'] for lm in landmarks]
    drawn = draw_landmarks(
        draw_planes(image, points, names),
        points,
        flagged=flagged,
        radii_px=radii if np.isfinite(radii).any() else None)
    notes = [
        f'corrected by {lm["moved_by"]}'
        if lm['moved'] else ', '.join(lm['flags']).replace('_', ' ')
        for lm in landmarks
    ]
    scale = _REPORT_SIDE / max(drawn.shape[:2])
    if scale < 1:
        drawn = cv2.resize(
            drawn, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return add_legend(drawn, names, notes, flagged)


def _number(value, digits: int = 2) -> str:
    return '-' if value is None else f'{value:.{digits}f}'


def measurement_rows(state: dict) -> List[List[str]]:
    """The measurement table as text: name, value, unit, normal range,
    class, interval, class set, basis.

    Args:
        state (dict): An image's review state.

    Returns:
        list[list[str]]: One row per measurement (none for models without
        the cephalometric landmarks or images without spacing).
    """
    rows = []
    for r in (state['cephalometry'] or {}).get('rows', []):
        digits = 3 if r['unit'] == 'ratio' else 2
        rows.append([
            r['name'],
            _number(r['value'], digits), r['unit'],
            f'{r["normal"][0]:g} to {r["normal"][1]:g}',
            '-' if r['class'] is None else str(r['class']),
            '-' if r['interval'] is None else
            (f'{_number(r["interval"][0], digits)} to '
             f'{_number(r["interval"][1], digits)}'),
            '-' if r['classes'] is None else ' or '.join(
                str(c) for c in r['classes']),
            'corrected landmarks' if r['uses_moved'] else 'model landmarks'
        ])
    return rows


MEASUREMENT_HEADER = [
    'Measurement', 'Value', 'Unit', 'Normal range', 'Class',
    'Conformal interval', 'Class set', 'Rests on'
]
CORRECTION_HEADER = [
    'No.', 'Landmark', 'Model (x, y) px', 'Reviewed (x, y) px', 'Moved', 'By',
    'When'
]


def correction_rows(state: dict) -> List[List[str]]:
    """The corrected landmarks as text: number, name, the model's and the
    reviewed position, the distance (mm where the spacing is known;
    ``placed`` where the model had no position), who and when.

    Args:
        state (dict): An image's review state.

    Returns:
        list[list[str]]: One row per moved landmark.
    """
    spacing = state['pixel_spacing']
    rows = []
    for k, lm in enumerate(state['landmarks']):
        if not lm['moved']:
            continue
        if lm['model_x_px'] is None:  # placed where the model had none
            distance = 'placed'
        else:
            dx, dy = lm['x_px'] - lm['model_x_px'], \
                lm['y_px'] - lm['model_y_px']
            distance = f'{np.hypot(dx, dy):.1f} px' if spacing is None \
                else f'{np.hypot(dx * spacing[0], dy * spacing[1]):.2f} mm'
        rows.append([
            str(k + 1), lm['name'],
            f'{_number(lm["model_x_px"], 1)}, {_number(lm["model_y_px"], 1)}',
            f'{lm["x_px"]:.1f}, {lm["y_px"]:.1f}', distance, lm['moved_by'],
            lm['moved_at']
        ])
    return rows


def facts(state: dict) -> List[Tuple[str, str]]:
    """What the report says of the image, its review and the model.

    Args:
        state (dict): An image's review state.

    Returns:
        list[tuple[str, str]]: (label, text) pairs: the image, who
        reviewed it and when, the spacing and its source (the ruler's
        length, who set it and when), the model's config and checkpoint
        with their SHA-256 (or that the prediction did not record them).
    """
    spacing = state['pixel_spacing']
    if spacing is None:
        spacing_text = 'unknown (lengths in pixels)'
    else:
        spacing_text = f'{spacing[0]:.4f} x {spacing[1]:.4f} mm per pixel, ' \
            f'from {state["spacing_source"] or "the file"}'
        if state['spacing_source'] == RULER:
            ruler = state['ruler']
            spacing_text += f' ({ruler["length_mm"]:g} mm, set by ' \
                f'{ruler["by"]} at {ruler["at"]})'
    reviewed = state['reviewed']
    model = state.get('model') or {}

    def identified(path_key: str) -> str:
        if model.get(path_key) is None:
            return 'not recorded in the prediction'
        digest = model.get(f'{path_key}_sha256') or 'unknown'
        return f'{model[path_key]} (SHA-256 {digest})'

    return [
        ('Image', state['image_file']),
        ('Reviewed', f'by {reviewed["by"]} at {reviewed["at"]}'
         if reviewed['done'] else 'not marked reviewed'),
        ('Pixel spacing', spacing_text),
        ('Model config', identified('config')),
        ('Checkpoint', identified('checkpoint')),
    ]


def _table(header: List[str], rows: List[List[str]]) -> str:
    cells = ''.join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = ''.join('<tr><th scope="row">' + html.escape(row[0]) + '</th>' +
                   ''.join(f'<td>{html.escape(c)}</td>'
                           for c in row[1:]) + '</tr>' for row in rows)
    return f'<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody>' \
        '</table>'


def report_html(state: dict, name: str) -> str:
    """The report of an image as one HTML document, its image embedded.

    Args:
        state (dict): The image's review state.
        name (str): Its record name (the title).

    Returns:
        str: The document.
    """
    png = cv2.imencode('.png', traced_image(state))[1].tobytes()
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f'<title>Landmark report: {html.escape(name)}</title>',
        f'<style>{_STYLE}</style></head><body>',
        f'<h1>Landmark report: {html.escape(name)}</h1>', '<dl>'
    ]
    for label, text in facts(state):
        parts.append(f'<dt>{html.escape(label)}</dt>'
                     f'<dd>{html.escape(text)}</dd>')
    parts.append('</dl><h2>Measurements</h2>')
    ceph = state['cephalometry']
    if ceph is None:
        parts.append('<p class="note">This model\'s landmarks define no '
                     'cephalometric measurements.</p>')
    else:
        if ceph['rows']:
            parts.append(_table(MEASUREMENT_HEADER, measurement_rows(state)))
        if ceph['note']:
            parts.append(f'<p class="note">{html.escape(ceph["note"])}</p>')
    parts.append('<h2>Corrections</h2>')
    corrections = correction_rows(state)
    parts.append(
        _table(CORRECTION_HEADER, corrections) if corrections else
        '<p class="note">No landmark was moved: all are the model\'s.</p>')
    parts.append('<h2>Traced radiograph</h2><img alt="the radiograph with '
                 'its landmarks and planes" src="data:image/png;base64,' +
                 base64.b64encode(png).decode() + '">')
    parts.append('</body></html>')
    return '\n'.join(parts)


def _pdf_with_matplotlib(state: dict, name: str, path: str) -> None:
    """The report's content as a PDF laid out by matplotlib: the facts and
    tables on the first page, the traced image on the second."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    with atomic_write(path, 'wb') as f, PdfPages(f) as pdf:
        page = Figure(figsize=(8.27, 11.69))
        lines = [f'Landmark report: {name}', '']
        lines += [f'{label}: {text}' for label, text in facts(state)]
        page.text(
            0.05, 0.97, '\n'.join(lines), va='top', fontsize=7, wrap=True)
        rows = measurement_rows(state)
        if rows:
            table = page.add_axes([0.05, 0.5, 0.9, 0.3])
            table.axis('off')
            table.table(
                cellText=rows, colLabels=MEASUREMENT_HEADER,
                loc='upper left').set_fontsize(6)
        corrections = correction_rows(state)
        if corrections:
            table = page.add_axes([0.05, 0.05, 0.9, 0.4])
            table.axis('off')
            table.table(
                cellText=corrections,
                colLabels=CORRECTION_HEADER,
                loc='upper left').set_fontsize(6)
        pdf.savefig(page)
        image = Figure(figsize=(8.27, 11.69))
        axes = image.add_axes([0.02, 0.02, 0.96, 0.96])
        axes.imshow(traced_image(state)[..., ::-1])
        axes.axis('off')
        pdf.savefig(image)


def write_pdf(document: str, state: dict, name: str, path: str) -> str:
    """Writes the report's PDF, atomically.

    Args:
        document (str): The report's HTML (:func:`report_html`).
        state (dict): The image's review state.
        name (str): Its record name.
        path (str): The PDF file.

    Returns:
        str: What rendered it: ``'weasyprint'`` or ``'matplotlib'``.
    """
    # WeasyPrint's import sets Pillow's process-wide LOAD_TRUNCATED_IMAGES,
    # after which a truncated radiograph would be read without an error.
    load_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: its system libraries missing
        _pdf_with_matplotlib(state, name, path)
        return 'matplotlib'
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = load_truncated
    pdf = weasyprint.HTML(string=document).write_pdf()
    with atomic_write(path, 'wb') as f:
        f.write(pdf)
    return 'weasyprint'


def report_paths(store: ReviewStore, name: str) -> Tuple[str, str]:
    """Where an image's report lies (written or not).

    Args:
        store (ReviewStore): The folder under review.
        name (str): The image's record name.

    Returns:
        tuple[str, str]: Its HTML and its PDF file in ``review/reports/``.

    Raises:
        UnknownImageError: If ``name`` is not one of the records.
    """
    store.image_path(name)  # only names of the folder make paths
    folder = osp.join(store.predictions_dir, REVIEW_FOLDER, REPORTS_FOLDER)
    return osp.join(folder, f'{name}.html'), osp.join(folder, f'{name}.pdf')


def write_report(store: ReviewStore, name: str) -> Tuple[str, str]:
    """Writes an image's report as HTML and PDF in ``review/reports/``.

    Args:
        store (ReviewStore): The folder under review.
        name (str): The image's record name.

    Returns:
        tuple[str, str]: The HTML and the PDF file.

    Raises:
        UnknownImageError: If ``name`` is not one of the records.
        ReviewFileError: If its state or image cannot be read, or the
            report cannot be rendered or written (names the file).
    """
    state = store.state(name)
    html_path, pdf_path = report_paths(store, name)
    try:
        document = report_html(state, name)
        with atomic_write(html_path, encoding='utf-8') as f:
            f.write(document)
        write_pdf(document, state, name, pdf_path)
    except ReviewFileError:
        raise
    except Exception as err:
        # whatever the image reader, the renderers or the disk raise: the
        # page and --report say which report failed, and go on
        raise ReviewFileError(f'{html_path}: the report could not be written '
                              f'({type(err).__name__}: {err})') from err
    return html_path, pdf_path
