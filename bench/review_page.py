"""The review page on real ISBI 2015 radiographs (1935 x 2400 pixels): page
load, drag-to-table time, keystrokes to find and fix a flagged landmark,
and the screenshot of the documentation.

    python bench/review_page.py ../shared/data/isbi2015
    python bench/review_page.py ../shared/data/isbi2015 \\
        --predictions PREDICTIONS_DIR --screenshot docs/_static/review_page.jpg

``--predictions`` takes a folder that ``tools/predict.py`` wrote (a copy is
reviewed, so the folder is left as it was). Without it, no model is
needed: the junior doctor's annotation of training images 001 to 005
stands in for the model's landmarks (written by the package's own
:func:`~hyatt_mmpose.apis.write_prediction`, spacing 0.1 mm), with the
landmark where the junior and senior doctors disagree most flagged
``no_peak``, as the model flags a landmark not to be trusted. The page is
served by uvicorn in this process and driven by Debian's chromium through
Playwright, as the tests do. Prints each figure (median of ``--repeat``
runs; one shared machine: rough figures).
"""
import argparse
import os.path as osp
import shutil
import statistics
import sys
import tempfile
import threading
import time

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'
]


def read_points(root: str, doctor: str, number: int) -> np.ndarray:
    return np.loadtxt(
        f'{root}/AnnotationsByMD/400_{doctor}/{number:03d}.txt',
        delimiter=',',
        max_rows=19)


def write_stand_in_predictions(root: str, out: str, count: int) -> None:
    """The junior doctor's landmarks as predictions of images 1..count."""
    import cv2

    from hyatt_mmpose.apis import write_prediction
    from hyatt_mmpose.datasets.metainfo import landmark_names
    names = landmark_names('isbi2015')
    for number in range(1, count + 1):
        junior = read_points(root, 'junior', number)
        senior = read_points(root, 'senior', number)
        worst = int(np.argmax(np.linalg.norm(junior - senior, axis=1)))
        path = f'{root}/RawImage/TrainingData/{number:03d}.jpg'
        result = dict(
            image_path=path,
            names=names,
            landmarks_px=junior,
            landmarks_mm=junior * 0.1,
            scores=np.ones(19),
            flags=[['no_peak'] if k == worst else [] for k in range(19)],
            pixel_spacing=np.array([0.1, 0.1]),
            spacing_source='given',
            model=dict(
                config=None,
                config_sha256=None,
                checkpoint='(the junior doctor)',
                checkpoint_sha256=None,
                backend=None))
        write_prediction(result, cv2.imread(path), out, f'{number:03d}')


def serve_in_thread(folder: str):
    import uvicorn

    from hyatt_mmpose.review import ReviewStore
    from hyatt_mmpose.review.review_app import allowed_hosts, create_app
    from hyatt_mmpose.review.review_server import bind
    store = ReviewStore(folder, 'bench')
    sock = bind('127.0.0.1', 0)
    port = sock.getsockname()[1]
    app = create_app(
        ReviewStore(folder, 'bench'), allowed_hosts('127.0.0.1', port))
    server = uvicorn.Server(uvicorn.Config(app, log_level='warning'))
    thread = threading.Thread(target=server.run, kwargs=dict(sockets=[sock]))
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f'http://127.0.0.1:{port}/', sorted(store.records)


def load_seconds(browser, url: str, name: str) -> float:
    """From navigation to the image decoded and the handles drawn."""
    page = browser.new_page(viewport=dict(width=1600, height=1000))
    start = time.perf_counter()
    page.goto(f'{url}#image={name}')
    page.locator('.handle').first.wait_for()
    page.wait_for_function('new Promise(done => { const probe = new Image(); '
                           'probe.onload = () => done(true); '
                           'probe.src = document.getElementById("radiograph")'
                           '.getAttribute("href"); })')
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def drag_seconds(page, label: str, dx: float) -> float:
    """From the mouse's release to the measurement table redrawn."""
    box = page.get_by_role('button', name=label).bounding_box()
    x, y = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
    before = page.locator('#measurements tbody').inner_text()
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=4)
    start = time.perf_counter()
    page.mouse.up()
    page.wait_for_function(
        'before => document.querySelector("#measurements tbody")'
        '.innerText !== before',
        arg=before)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('isbi_root', help='the ISBI 2015 folder')
    parser.add_argument(
        '--predictions', help='a folder of tools/predict.py (else stand-ins)')
    parser.add_argument('--images', type=int, default=5)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--screenshot', help='write the page as PNG here')
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as folder:
        if args.predictions:
            folder = osp.join(folder, 'predictions')
            shutil.copytree(
                args.predictions,
                folder,
                ignore=shutil.ignore_patterns('review'))
        else:
            write_stand_in_predictions(args.isbi_root, folder, args.images)
        server, thread, url, names = serve_in_thread(folder)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
                loads = [
                    load_seconds(browser, url, names[i % len(names)])
                    for i in range(args.repeat)
                ]
                print(f'page load (1935 x 2400 radiograph, image decoded, '
                      f'handles drawn): median {statistics.median(loads):.2f}'
                      f' s of {[round(s, 2) for s in loads]}')
                page = browser.new_page(viewport=dict(width=1600, height=1000))
                page.goto(url)
                page.locator('.handle').first.wait_for()
                drags = [
                    drag_seconds(page, '2 nasion', 6 if i % 2 else -6)
                    for i in range(args.repeat)
                ]
                print(f'drag to updated measurement table: median '
                      f'{statistics.median(drags) * 1000:.0f} ms of '
                      f'{[round(s * 1000) for s in drags]}')
                # the worst image opens first, its flagged landmark first in
                # the queue: N finds and centres it
                page.goto(url)
                page.locator('.handle').first.wait_for()
                page.keyboard.press('n')
                found = page.evaluate('document.activeElement.ariaLabel')
                flagged = page.evaluate(
                    'document.activeElement.classList.contains("flagged")')
                print(f'keystrokes to find the first flagged landmark: 1 (N '
                      f'focused "{found}", flagged: {flagged}); fixing it '
                      'then takes one arrow press per 0.1 mm, one Shift+'
                      'arrow per 1 mm (or one drag)')
                if args.screenshot:
                    page.keyboard.press('Shift+ArrowLeft')
                    page.keyboard.press('Shift+ArrowLeft')
                    page.wait_for_function('document.getElementById('
                                           '"status").textContent === '
                                           '"saved"')
                    page.screenshot(
                        path=args.screenshot, quality=80, type="jpeg")
                    print(f'screenshot: {args.screenshot}')
                browser.close()
        finally:
            server.should_exit = True
            thread.join(10)
    return 0


if __name__ == '__main__':
    sys.exit(main())
