"""The review page's web application: a JSON API over a
:class:`~.review_store.ReviewStore`, the page itself (plain HTML, CSS and
JavaScript shipped with the package) and the images, rendered as PNG by
:func:`~hyatt_mmpose.datasets.read_radiograph` (so DICOMs show
too).

The API (``image`` is a record's name, as
:meth:`~hyatt_mmpose.review.ReviewStore.summary` lists it):

- ``GET /api/images``: the images, worst first, and the reviewer;
- ``GET /api/state?image=``: an image's state, with ``queue`` (the order to
  check its landmarks in);
- ``GET /image?image=``: the image as PNG;
- ``POST /api/move`` ``{image, landmark, x, y, action}`` (``action``:
  ``move`` or ``nudge``), ``/api/reset`` ``{image, landmark}``,
  ``/api/undo`` ``{image}``, ``/api/ruler`` ``{image, points, length_mm}``,
  ``/api/reviewed`` ``{image, reviewed}``: a change; each answers the new
  state;
- ``POST /api/report`` ``{image}``: writes the image's report
  (:func:`~.review_report.write_report`); ``GET /report?image=`` shows the
  report last written (404 if none: a GET never writes).

A request that names no image of the folder gets 404; a change that is
refused (:class:`~.review_store.ReviewRequestError`) 400 with
``{"error": reason}``, and nothing is written. A file that cannot be read
or written (a corrupt state, an unreadable image, a report that fails) is
a 500, also ``{"error": "<file>: <what>"}``. With a token, every request
must carry it (header ``X-Review-Token``, query ``token``, or the cookie
that the page gets with its first answer), else 401.

Against other sites' pages in the reviewer's browser (cross-site requests,
DNS rebinding; the loopback server has no token): a request whose
``Host`` is not one of the server's own addresses (:func:`allowed_hosts`)
gets 403; a POST must be ``Content-Type: application/json`` (else 415,
which a plain HTML form cannot send) and, when it has an ``Origin``, come
from the server's own origin (else 403).
"""
import functools
import json
import logging
import os.path as osp
import secrets
from typing import Callable, Collection, Optional, Set

import cv2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (FileResponse, HTMLResponse, JSONResponse,
                                 Response)
from starlette.routing import Route

from .review_report import report_paths, write_report
from .review_store import (ReviewFileError, ReviewRequestError, ReviewStore,
                           UnknownImageError)

#: The page's files, shipped in ``hyatt_mmpose/review/static``.
STATIC_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'static')
STATIC_FILES = {
    'review.js': 'text/javascript',
    'review.css': 'text/css',
}
#: The header (or query parameter ``token``) that carries the token.
TOKEN_HEADER = 'x-review-token'
#: The cookie the page gets once its URL carried the token, so that its
#: own requests (styles, script, images) carry it too.
TOKEN_COOKIE = 'review_token'
# Rendered images kept in memory: a 1935 x 2400 PNG takes a while to encode.
_IMAGE_CACHE = 8
_logger = logging.getLogger(__name__)


def _error(status: int, reason: str) -> JSONResponse:
    return JSONResponse({'error': reason}, status_code=status)


def allowed_hosts(host: str, port: int) -> Set[str]:
    """The ``Host`` headers a server on ``host`` and ``port`` answers: its
    loopback names and ``host`` itself, each with the port.

    Args:
        host (str): The address it listens on (``--host``).
        port (int): The port it listens on (the bound one, not 0).

    Returns:
        set[str]: ``name:port`` in lower case (IPv6 addresses bracketed).
    """
    names = {'127.0.0.1', 'localhost', '[::1]'}
    names.add(f'[{host}]' if ':' in host else host)
    return {f'{name.lower()}:{port}' for name in names}


def _refusal(request: Request, hosts: Collection[str]) -> Optional[Response]:
    """The answer to a request from another site, or None for one of the
    page's own: a foreign ``Host`` (DNS rebinding) gets 403; a POST that
    is not JSON 415, or whose ``Origin`` is another site's 403."""
    host = request.headers.get('host', '').lower()
    if host not in hosts:
        return _error(
            403, f'host not allowed: {host!r}; open the URL that '
            'tools/review.py printed')
    if request.method != 'POST':
        return None
    kind = request.headers.get('content-type', '').split(';')[0]
    if kind.strip().lower() != 'application/json':
        return _error(
            415, 'a change must be sent as Content-Type: application/json, '
            f'got {kind!r}')
    origin = request.headers.get('origin')
    own = f'{request.url.scheme}://{host}'
    if origin is not None and origin.lower() != own:
        return _error(
            403, f'origin not allowed: {origin!r}; changes come from the '
            f'page itself ({own})')
    return None


def _fields(body, *names: str) -> list:
    """The named fields of a request's JSON object.

    Raises:
        ReviewRequestError: If the body is not an object or lacks one.
    """
    if not isinstance(body, dict):
        raise ReviewRequestError('the request body must be a JSON object')
    missing = [n for n in names if n not in body]
    if missing:
        raise ReviewRequestError(
            f'the request lacks {", ".join(missing)} (it needs '
            f'{", ".join(names)})')
    return [body[n] for n in names]


def create_app(store: ReviewStore,
               hosts: Collection[str],
               token: Optional[str] = None) -> Starlette:
    """The review application of a folder.

    Args:
        store (ReviewStore): The folder under review.
        hosts (Collection[str]): The ``Host`` headers it answers, as
            :func:`allowed_hosts` makes them; others get 403.
        token (str, optional): A secret that every request must carry
            (see the module's docstring); None for none (a server on the
            loopback interface only).

    Returns:
        starlette.applications.Starlette: The ASGI application (run it
        with uvicorn; see :func:`~.review_server.serve`).
    """

    @functools.lru_cache(maxsize=_IMAGE_CACHE)
    def png(name: str) -> bytes:
        return cv2.imencode('.png', store.read_image(name))[1].tobytes()

    def state_of(name: str) -> dict:
        state = store.state(name)
        state['queue'] = store.queue(state)
        return state

    def image_name(request: Request) -> str:
        name = request.query_params.get('image', '')
        store.image_path(name)  # UnknownImageError: 404
        return name

    def handler(work: Callable[[Request], object]) -> Callable:
        """An endpoint: checks the token, runs ``work`` (blocking file work,
        in a thread), answers its JSON or the error."""

        async def endpoint(request: Request) -> Response:
            refused = _refusal(request, hosts)
            if refused is not None:
                return refused
            if token is not None:
                given = request.headers.get(TOKEN_HEADER) or \
                    request.query_params.get('token') or \
                    request.cookies.get(TOKEN_COOKIE, '')
                if not secrets.compare_digest(given.encode(), token.encode()):
                    return _error(
                        401, 'this server needs its token: open the URL that '
                        'tools/review.py printed')
            body = None
            if request.method == 'POST':
                try:
                    body = json.loads(await request.body())
                except ValueError as err:
                    return _error(400, f'the request body is not JSON: {err}')
            try:
                result = await run_in_threadpool(work, request, body)
            except UnknownImageError as err:
                return _error(
                    404, f'no such image in the predictions: {err.args[0]!r}')
            except ReviewRequestError as err:
                return _error(400, str(err))
            except ReviewFileError as err:
                return _error(500, str(err))
            except Exception as err:
                # a fault of this code: JSON, which the page can show, not
                # Starlette's plain text; the traceback to the server's log
                _logger.exception('%s failed', request.url.path)
                return _error(
                    500, f'{request.url.path}: {type(err).__name__}: {err}')
            response = result if isinstance(result, Response) else \
                JSONResponse(result)
            if token is not None:
                response.set_cookie(
                    TOKEN_COOKIE, token, httponly=True, samesite='strict')
            return response

        return endpoint

    def index(request, body):
        return FileResponse(
            osp.join(STATIC_DIR, 'index.html'), media_type='text/html')

    def static(request, body):
        name = request.path_params['file']
        if name not in STATIC_FILES:
            return _error(404, f'no such file: {name!r}')
        return FileResponse(
            osp.join(STATIC_DIR, name), media_type=STATIC_FILES[name])

    def images(request, body):
        return dict(
            reviewer=store.reviewer,
            folder=store.predictions_dir,
            images=store.summary())

    def state(request, body):
        return state_of(image_name(request))

    def image(request, body):
        return Response(png(image_name(request)), media_type='image/png')

    def move(request, body):
        name, landmark, x, y, action = _fields(body, 'image', 'landmark', 'x',
                                               'y', 'action')
        store.move(name, landmark, x, y, action)
        return state_of(name)

    def reset(request, body):
        name, landmark = _fields(body, 'image', 'landmark')
        store.reset(name, landmark)
        return state_of(name)

    def undo(request, body):
        [name] = _fields(body, 'image')
        store.undo(name)
        return state_of(name)

    def ruler(request, body):
        name, points, length_mm = _fields(body, 'image', 'points', 'length_mm')
        store.set_ruler(name, points, length_mm)
        return state_of(name)

    def reviewed(request, body):
        name, done = _fields(body, 'image', 'reviewed')
        store.mark_reviewed(name, done)
        return state_of(name)

    def report(request, body):
        [name] = _fields(body, 'image')
        html, pdf = write_report(store, name)
        return dict(
            html=osp.relpath(html, store.predictions_dir),
            pdf=osp.relpath(pdf, store.predictions_dir))

    def show_report(request, body):
        # only shows: a GET that wrote would let any link rewrite reports
        name = image_name(request)
        html, _ = report_paths(store, name)
        if not osp.isfile(html):
            return _error(
                404, f'{name} has no report yet: write it with POST '
                '/api/report (the page\'s Write report button)')
        with open(html, encoding='utf-8') as f:
            return HTMLResponse(f.read())

    routes = [
        Route('/', handler(index)),
        Route('/static/{file}', handler(static)),
        Route('/api/images', handler(images)),
        Route('/api/state', handler(state)),
        Route('/image', handler(image)),
        Route('/report', handler(show_report)),
    ] + [
        Route(f'/api/{name}', handler(work), methods=['POST'])
        for name, work in (('move', move), ('reset', reset), ('undo', undo),
                           ('ruler', ruler), ('reviewed', reviewed),
                           ('report', report))
    ]
    return Starlette(routes=routes)
