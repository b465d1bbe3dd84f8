"""A TCP proxy in front of PostgreSQL that cuts connections when a test says so.

`cut()` closes every connection passing through it at once, as a network blip or a
database restart does; new connections are accepted again right after, unless `refuse`
is set, which makes the proxy close every new connection at once (the database down).
The proxy may also be started before anything listens behind it.
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.engine import make_url

CHUNK = 65536


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.refuse = False
        self.cuts = 0
        self.accepted = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.Task[None]] = set()

    @classmethod
    def before(cls, database_url: str) -> TcpProxy:
        """A proxy to the server of `database_url` (see `url` for the URL through it)."""
        url = make_url(database_url)
        return cls(url.host or "127.0.0.1", url.port or 5432)

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)

    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return int(self._server.sockets[0].getsockname()[1])

    def url(self, database_url: str) -> str:
        """`database_url` with host and port replaced by this proxy's."""
        return (
            make_url(database_url)
            .set(host="127.0.0.1", port=self.port)
            .render_as_string(hide_password=False)
        )

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await asyncio.gather(*self._links, return_exceptions=True)

    def cut(self) -> int:
        """Close every open connection now; returns how many were cut."""
        links = list(self._links)
        for link in links:
            link.cancel()
        self.cuts += 1
        return len(links)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refuse:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.accepted += 1
        link = asyncio.current_task()
        assert link is not None
        self._links.add(link)
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (asyncio.CancelledError, OSError):
            pass
        finally:
            self._links.discard(link)
            for side in (writer, up_writer):
                side.transport.abort()  # a reset, as a dropped network gives


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    writer.transport.abort()
