"""A TCP proxy between the bot and PostgreSQL that can cut connections, to test what a dropped link does.

`cut()` aborts every open connection at once (both sides see a reset), as a crashing network or a
restarting pooler would. `on_commit` arms one precise fault at the next COMMIT a client sends:
"lose-request" cuts before the server gets it (the transaction must not count), "lose-answer" lets the
server commit and cuts before the client hears so (the change is saved; the bot must not say it was not).
New connections keep being accepted, so a client that reconnects gets through.
"""

from __future__ import annotations

import asyncio


class Proxy:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.links: list[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = []
        self.on_commit: str | None = None
        self._muted: set[int] = set()  # links whose answers are swallowed
        self.cuts = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> "Proxy":
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        for link in self.links:
            self._abort(link)
        self.links.clear()
        self.cuts += 1

    @staticmethod
    def _abort(link) -> None:
        for writer in link:
            writer.transport.abort()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.transport.abort()
            return
        link = (client_w, server_w)
        self.links.append(link)
        await asyncio.gather(self._pipe(client_r, server_w, link, upstream=True),
                             self._pipe(server_r, client_w, link, upstream=False), return_exceptions=True)

    async def _pipe(self, reader, writer, link, upstream: bool) -> None:
        try:
            while data := await reader.read(65536):
                if upstream and self.on_commit and b"COMMIT\x00" in data:
                    fault, self.on_commit = self.on_commit, None
                    if fault == "lose-answer":
                        self._muted.add(id(link))
                        writer.write(data)
                        await writer.drain()
                        await asyncio.sleep(0.2)  # the server commits meanwhile; its answer never arrives
                    self._abort(link)
                    return
                if not upstream and id(link) in self._muted:
                    continue
                writer.write(data)
                await writer.drain()
        finally:
            self._abort(link)
