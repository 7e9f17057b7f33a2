"""Serving the review application with uvicorn: on the loopback interface
and a free port unless told otherwise, a token required on any other
interface, the URL printed, and a clean stop on Ctrl+C."""
import ipaddress
import secrets
import socket
from typing import Callable, Optional
from urllib.parse import quote

import uvicorn

from .review_app import allowed_hosts, create_app
from .review_store import ReviewStore


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine's loopback interface
    (``localhost``, ``127.0.0.0/8``, ``::1``), reachable from it alone.

    Args:
        host (str): A name or an IPv4 or IPv6 address, as ``--host`` takes
            it.

    Returns:
        bool: True for the loopback interface; False for any other
        address, and for any other name (it may resolve to any
        interface).
    """
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # another name: it may resolve to any interface
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host`` and ``port``.

    Args:
        host (str): The address (IPv6 with ``:``) or name to listen on.
        port (int): The port; 0 for a free one (``getsockname()`` then
            says which).

    Returns:
        socket.socket: The socket, bound and listening.

    Raises:
        OSError: If the address cannot be bound (the port taken).
    """
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # listening already: a browser opened on the printed URL waits in
        # the backlog for the server, rather than being refused
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def review_url(host: str, port: int, token: Optional[str]) -> str:
    """The page's URL, with the token where there is one.

    Args:
        host (str): The address the server listens on (an IPv6 one is
            bracketed).
        port (int): Its port.
        token (str, optional): The token every request needs; None for
            none.

    Returns:
        str: ``http://host:port/``, with ``?token=`` (quoted) after it.
    """
    name = f'[{host}]' if ':' in host else host
    query = f'/?token={quote(token)}' if token else '/'
    return f'http://{name}:{port}{query}'


def serve(store: ReviewStore,
          host: str = '127.0.0.1',
          port: int = 0,
          announce: Callable[[str], None] = print) -> None:
    """Serves a folder's review until Ctrl+C (SIGINT; SIGTERM also shuts
    it down gracefully, then ends the process).

    Args:
        store (ReviewStore): The folder under review.
        host (str): The interface to listen on. Any but the loopback one
            gets a fresh token, which every request must carry (it is in
            the announced URL). Requests must name this address or a
            loopback one as their ``Host`` (see
            :func:`~.review_app.allowed_hosts`).
        port (int): The port; 0 for a free one.
        announce (Callable): Called with the page's URL once it listens.

    Raises:
        OSError: If ``host`` and ``port`` cannot be bound.
    """
    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    server = _AnnouncingServer(
        uvicorn.Config(
            create_app(store, allowed_hosts(host, port), token),
            log_level='warning',
            access_log=False), lambda: announce(review_url(host, port, token)))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn has shut down gracefully on Ctrl+C and raises it again
        # for its caller: here, the stop that was asked for
        pass


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that gives its URL once it has started, and so once
    its Ctrl+C handler is in place: a URL printed before ``run`` let a
    Ctrl+C pressed at once go to nobody, and the server stayed up."""

    def __init__(self, config: uvicorn.Config,
                 announce: Callable[[], None]) -> None:
        super().__init__(config)
        self._announce = announce

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self._announce()
