"""The report of a reviewed image (hyatt_mmpose.review.review_report): a
self-contained HTML file and its PDF."""
import base64
import os.path as osp
import re
import sys

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from hyatt_mmpose.analysis import MEASUREMENTS
from hyatt_mmpose.datasets.converters import ConversionError
from hyatt_mmpose.datasets.converters.records import image_size
from hyatt_mmpose.review import ReviewStore, review_report
from hyatt_mmpose.review.review_report import write_report


def pdf_text(path: str) -> str:
    return ''.join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def reviewed(predictions) -> ReviewStore:
    store = ReviewStore(predictions, 'Dr Ana')
    store.move('ceph_0', 'menton', 125.0, 229.0, 'move')
    store.mark_reviewed('ceph_0', True)
    return store


def test_the_html_report_holds_everything_and_needs_no_other_file(
        reviewed, predictions):
    html_path, pdf_path = write_report(reviewed, 'ceph_0')
    assert html_path == osp.join(predictions, 'review', 'reports',
                                 'ceph_0.html')
    with open(html_path, encoding='utf-8') as f:
        html = f.read()
    # nothing fetched: the image is embedded, no script, no link
    assert not re.search(r'(src|href)="(?!data:)', html)
    [encoded] = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    traced = cv2.imdecode(
        np.frombuffer(base64.b64decode(encoded), np.uint8), cv2.IMREAD_COLOR)
    assert traced.shape[0] == 240  # the image's height (the legend beside)
    for m in MEASUREMENTS:
        assert f'<th scope="row">{m}</th>' in html
    # the correction, by whom, and the model
    assert '<th scope="row">8</th><td>menton</td>' in html
    assert 'Dr Ana' in html and 'a' * 64 in html and 'c' * 64 in html
    assert '79.4 to 83.2' in html  # SNA's normal range
    text = pdf_text(pdf_path)
    for m in MEASUREMENTS:
        assert m in text


def test_without_weasyprint_matplotlib_writes_the_pdf(reviewed, monkeypatch):
    """Where WeasyPrint's system libraries are missing its import fails
    with OSError; the report still gets its PDF."""
    import builtins
    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == 'weasyprint':
            raise OSError('cannot load library libpango-1.0-0')
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, '__import__', no_weasyprint)
    state = reviewed.state('ceph_0')
    path = osp.join(reviewed.review_dir, 'fallback.pdf')
    assert review_report.write_pdf('<html></html>', state, 'ceph_0',
                                   path) == 'matplotlib'
    text = pdf_text(path)
    for m in MEASUREMENTS:
        assert m in text
    assert 'menton' in text


def test_writing_a_report_leaves_truncated_images_refused(
        reviewed, monkeypatch, tmp_path):
    """WeasyPrint's import tells Pillow to read truncated images; after a
    report a converter must still refuse a truncated radiograph."""
    for module in [m for m in sys.modules if m.startswith('weasyprint')]:
        monkeypatch.delitem(sys.modules, module)  # import it afresh
    write_report(reviewed, 'ceph_0')
    image = np.random.default_rng(0).integers(0, 255, (64, 64), np.uint8)
    data = cv2.imencode('.png', image)[1].tobytes()
    path = tmp_path / 'half.png'
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(ConversionError, match='half.png.*cannot be read'):
        image_size(str(path))  # Pillow's decoder, as converters read


def test_a_prediction_without_model_identity_says_so(reviewed):
    state = reviewed.state('ceph_0')
    state['model'] = None
    facts = dict(review_report.facts(state))
    assert facts['Checkpoint'] == 'not recorded in the prediction'
    rows = {r[0]: r for r in review_report.measurement_rows(state)}
    fhi = next(r for r in state['cephalometry']['rows'] if r['name'] == 'FHI')
    assert rows['FHI'][1] == f'{fhi["value"]:.3f}'  # a ratio: 3 digits
