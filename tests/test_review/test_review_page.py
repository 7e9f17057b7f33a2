"""The review page in a real browser: Debian's chromium driven by
Playwright (which cannot download its own browsers on these machines).
Each change is checked in the files the server saved."""
import json
import os.path as osp
import threading
import time

import numpy as np
import pytest
import uvicorn
from pypdf import PdfReader

from hyatt_mmpose.analysis import MEASUREMENTS, measure
from hyatt_mmpose.datasets.metainfo import landmark_names
from hyatt_mmpose.review import ReviewStore
from hyatt_mmpose.review.review_app import allowed_hosts, create_app
from hyatt_mmpose.review.review_server import bind
from .review_folders import ISBI_POINTS, SPACING, write_folder

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'
]


@pytest.fixture(scope='module')
def browser():
    if not osp.exists(CHROMIUM):
        pytest.skip(f'no Chromium at {CHROMIUM}: install Debian\'s chromium '
                    'package (.ci/run does, as root)')
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def start_server(predictions: str):
    """The review of ``predictions`` served by uvicorn in a thread: the
    server, its thread, and its URL."""
    sock = bind('127.0.0.1', 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(
                ReviewStore(predictions, 'ana'),
                allowed_hosts('127.0.0.1', port)),
            log_level='warning'))
    thread = threading.Thread(target=server.run, kwargs=dict(sockets=[sock]))
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return (server, thread), f'http://127.0.0.1:{port}/'


def stop_server(server, thread) -> None:
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def served(predictions):
    """The URL of the review of ``predictions``."""
    server, url = start_server(predictions)
    yield url
    stop_server(*server)


@pytest.fixture
def page(browser, served):
    """The page of image ceph_0, loaded."""
    page = browser.new_page(viewport=dict(width=1400, height=900))
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    page.goto(served + '#image=ceph_0')
    page.get_by_role('button', name='1 sella').wait_for()
    yield page
    page.close()
    assert errors == []


def saved_when(predictions: str, done, timeout: float = 10.0) -> dict:
    """The saved state of ceph_0 once ``done(state)`` holds."""
    path = osp.join(predictions, 'review', 'images', 'ceph_0.json')
    end = time.monotonic() + timeout
    while True:
        if osp.isfile(path):
            with open(path) as f:
                try:
                    state = json.load(f)
                except ValueError:  # (atomic writes: never half a file)
                    state = None
            if state and done(state):
                return state
        if time.monotonic() > end:
            raise AssertionError(f'{path}: not saved as expected')
        time.sleep(0.05)


def to_screen(page, x: float, y: float) -> tuple:
    """The screen point of an image point, by the browser's own geometry."""
    return tuple(
        page.evaluate(
            '([x, y]) => { const p = new DOMPoint(x, y).matrixTransform('
            'document.getElementById("canvas").getScreenCTM());'
            'return [p.x, p.y]; }', [x, y]))


def to_image(page, x: float, y: float) -> tuple:
    return tuple(
        page.evaluate(
            '([x, y]) => { const p = new DOMPoint(x, y).matrixTransform('
            'document.getElementById("canvas").getScreenCTM().inverse());'
            'return [p.x, p.y]; }', [x, y]))


def table(page) -> dict:
    """The measurement table as the page shows it: name to cells."""
    rows = page.locator('#measurements tbody tr')
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        cells = row.locator('td').all_inner_texts()
        out[row.locator('th').inner_text()] = cells
    return out


def test_a_dragged_landmark_is_saved_where_it_was_dropped(page, predictions):
    handle = page.get_by_role('button', name='2 nasion')
    box = handle.bounding_box()
    start = (box['x'] + box['width'] / 2, box['y'] + box['height'] / 2)
    target = (start[0] - 40, start[1] + 25)
    expected = to_image(page, *target)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*target, steps=5)
    page.mouse.up()
    state = saved_when(predictions, lambda s: s['landmarks'][1]['moved'])
    nasion = state['landmarks'][1]
    assert (nasion['x_px'], nasion['y_px']) == pytest.approx(
        expected, abs=1e-3)
    # once the page has the server's answer: the model's position stays
    # visible as a faint mark, and the measurement table is
    # analysis.measure of the saved points
    page.wait_for_function(
        'document.getElementById("status").textContent === "saved"')
    assert page.locator('.model-mark').count() == 1
    points = np.array([[lm['x_px'], lm['y_px']] for lm in state['landmarks']])
    values = measure(points, SPACING, landmark_names('isbi2015'))
    shown = table(page)
    assert list(shown) == list(MEASUREMENTS)
    for m, cells in shown.items():
        digits = 3 if m == 'FHI' else 2
        assert cells[0] == f'{values[m]:.{digits}f}', m
        row = next(r for r in state['cephalometry']['rows'] if r['name'] == m)
        assert cells[3] == str(row['class']), m


def test_arrow_keys_nudge_by_a_tenth_of_a_mm(page, predictions):
    page.get_by_role('button', name='3 orbitale').focus()
    for _ in range(3):
        page.keyboard.press('ArrowRight')
    page.keyboard.press('Shift+ArrowUp')
    state = saved_when(predictions, lambda s: len(s['undo']) == 4)
    x0, y0 = ISBI_POINTS[2]
    step = 0.1 / SPACING  # pixels per press
    orbitale = state['landmarks'][2]
    assert orbitale['x_px'] == pytest.approx(x0 + 3 * step, abs=1e-9)
    assert orbitale['y_px'] == pytest.approx(y0 - 10 * step, abs=1e-9)
    # the state is saved before its log line: wait for the fourth
    log = osp.join(predictions, 'review', 'review_log.jsonl')
    end = time.monotonic() + 10
    while True:
        with open(log) as f:
            actions = [json.loads(line)['action'] for line in f]
        if len(actions) == 4 or time.monotonic() > end:
            break
        time.sleep(0.05)
    assert actions == ['nudge'] * 4


def test_reset_undo_and_reload_show_the_saved_state(page, predictions):
    handle = page.get_by_role('button', name='5 subspinale')
    handle.focus()
    page.keyboard.press('ArrowDown')
    saved_when(predictions, lambda s: s['landmarks'][4]['moved'])
    page.keyboard.press('r')
    state = saved_when(predictions, lambda s: len(s['undo']) == 2)
    assert not state['landmarks'][4]['moved']
    assert state['landmarks'][4]['y_px'] == ISBI_POINTS[4][1]
    page.keyboard.press('Control+z')
    state = saved_when(predictions, lambda s: len(s['undo']) == 1)
    y = ISBI_POINTS[4][1] + 0.1 / SPACING
    assert state['landmarks'][4]['y_px'] == pytest.approx(y)
    page.wait_for_function(
        'document.getElementById("status").textContent === "saved"')
    page.reload()
    handle = page.get_by_role('button', name='5 subspinale')
    handle.wait_for()
    assert float(handle.get_attribute('data-y')) == pytest.approx(y)
    assert page.locator('.model-mark').count() == 1


def test_a_ruler_sets_the_spacing_and_the_mm(page, predictions):
    page.get_by_role('button', name='Ruler').click()
    a, b = (20.0, 30.0), (80.0, 110.0)  # 100 px apart
    for point in (a, b):
        page.mouse.click(*to_screen(page, *point))
    page.get_by_label('Ruler length (mm)').fill('50')
    page.get_by_role('button', name='Set spacing').click()
    state = saved_when(predictions, lambda s: s['spacing_source'] == 'ruler')
    (ax, ay), (bx, by) = state['ruler']['points']
    assert (ax, ay, bx, by) == pytest.approx((*a, *b), abs=0.5)
    spacing = 50 / np.hypot(bx - ax, by - ay)
    assert state['pixel_spacing'] == pytest.approx([spacing, spacing])
    lm = state['landmarks'][6]
    assert lm['x_mm'] == pytest.approx(lm['x_px'] * spacing)
    page.wait_for_function('document.getElementById("spacing").textContent'
                           '.includes("(ruler)")')
    assert f'{spacing:.4f}' in page.locator('#spacing').inner_text()


def test_mark_reviewed_and_the_report_pdf(page, predictions):
    page.get_by_role('button', name='Mark reviewed').click()
    saved_when(predictions, lambda s: s['reviewed']['done'])
    page.get_by_role('button', name='Mark not reviewed').wait_for()
    with page.context.expect_page():
        page.get_by_role('button', name='Write report').click()
    pdf = osp.join(predictions, 'review', 'reports', 'ceph_0.pdf')
    text = ''.join(p.extract_text() for p in PdfReader(pdf).pages)
    for m in MEASUREMENTS:
        assert m in text, m
    assert 'a' * 64 in text.replace('\n', '')  # the checkpoint's hash


def test_n_and_p_step_through_flagged_and_wide_landmarks_first(
        page, predictions):
    page.locator('#images button', has_text='ceph_1').click()
    page.get_by_role('heading', name='ceph_1').wait_for()
    names = []
    for key in ('n', 'n', 'n', 'p'):
        page.keyboard.press(key)
        names.append(page.evaluate('document.activeElement.ariaLabel'))
    # sella is flagged; then the largest radii (landmarks 19, 18, ...)
    isbi = landmark_names('isbi2015')
    assert names == [
        '1 sella', f'19 {isbi[18]}', f'18 {isbi[17]}', f'19 {isbi[18]}'
    ]


def test_a_landmark_without_position_waits_at_the_centre_to_be_dragged(
        browser, tmp_path):
    predictions = write_folder(tmp_path, outside=3)
    server, url = start_server(predictions)
    page = browser.new_page(viewport=dict(width=1400, height=900))
    try:
        page.goto(url + '#image=ceph_2')
        handle = page.get_by_role('button', name='4 porion')
        handle.wait_for()
        assert (float(handle.get_attribute('data-x')),
                float(handle.get_attribute('data-y'))) == (99.5, 119.5)
        box = handle.bounding_box()
        start = (box['x'] + box['width'] / 2, box['y'] + box['height'] / 2)
        target = to_screen(page, 62.0, 124.0)
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(*target, steps=5)
        page.mouse.up()
        path = osp.join(predictions, 'review', 'images', 'ceph_2.json')
        end = time.monotonic() + 10
        while not osp.isfile(path) and time.monotonic() < end:
            time.sleep(0.05)
        with open(path) as f:
            porion = json.load(f)['landmarks'][3]
        assert (porion['x_px'], porion['y_px']) == pytest.approx((62.0, 124.0),
                                                                 abs=1e-3)
    finally:
        page.close()
        stop_server(*server)


def test_without_spacing_arrow_keys_nudge_by_a_pixel(browser, tmp_path):
    predictions = write_folder(tmp_path, spacing_known=False)
    server, url = start_server(predictions)
    page = browser.new_page(viewport=dict(width=1400, height=900))
    try:
        page.goto(url + '#image=ceph_0')
        page.get_by_role('button', name='7 pogonion').focus()
        page.keyboard.press('ArrowLeft')
        page.keyboard.press('ArrowLeft')
        page.keyboard.press('Shift+ArrowDown')
        state = saved_when(predictions, lambda s: len(s['undo']) == 3)
        pogonion = state['landmarks'][6]
        x0, y0 = ISBI_POINTS[6]
        assert (pogonion['x_px'], pogonion['y_px']) == pytest.approx(
            (x0 - 2, y0 + 10), abs=1e-9)
        assert pogonion['x_mm'] is None
        page.wait_for_function('document.getElementById("spacing")'
                               '.textContent.includes("unknown")')
        assert 'ruler' in page.locator('#measurement-note').inner_text()
    finally:
        page.close()
        stop_server(*server)


def test_an_error_in_json_or_plain_text_is_shown(page):
    page.keyboard.press('Control+z')  # nothing to undo: the server's JSON
    page.wait_for_function('document.getElementById("status").textContent '
                           '=== "ceph_0: nothing to undo"')
    # an answer from outside the application, as a proxy might give
    page.route(
        '**/api/undo', lambda route: route.fulfill(
            status=502, content_type='text/plain', body='Bad Gateway here'))
    page.keyboard.press('Control+z')
    page.wait_for_function('document.getElementById("status").textContent '
                           '=== "Bad Gateway here"')
    assert 'error' in page.locator('#status').get_attribute('class')
