"""The gateway websocket: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, dispatches with sequence
numbers, RESUME with replay, and the server-initiated reconnect (op 7), invalid session (op 9) and drops.

A session keeps every dispatch it ever produced (tests are short), so a RESUME replays exactly the frames
after the client's last sequence number, and dispatches made while the client is disconnected simply wait
in the session until it comes back. Frames are sent only from `_flush`, under the connection's lock, so
they always leave in sequence order.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .model import World
from .traffic import GatewayFrame, Traffic

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT = 0, 1, 2, 3, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

GUILDS, GUILD_MEMBERS, GUILD_PRESENCES = 1 << 0, 1 << 1, 1 << 8
GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS, MESSAGE_CONTENT = 1 << 9, 1 << 10, 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
# Which intent a session needs to receive an event; events not listed always go out (e.g. interactions).
EVENT_INTENTS = {
    "CHANNEL_CREATE": GUILDS, "CHANNEL_UPDATE": GUILDS, "CHANNEL_DELETE": GUILDS, "THREAD_CREATE": GUILDS,
    "THREAD_UPDATE": GUILDS, "THREAD_DELETE": GUILDS, "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS, "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "MESSAGE_CREATE": GUILD_MESSAGES, "MESSAGE_UPDATE": GUILD_MESSAGES, "MESSAGE_DELETE": GUILD_MESSAGES,
    "MESSAGE_REACTION_ADD": GUILD_MESSAGE_REACTIONS, "MESSAGE_REACTION_REMOVE": GUILD_MESSAGE_REACTIONS,
}
# Application flags that tell a bot which privileged intents the developer portal enabled.
PORTAL_FLAGS = {GUILD_PRESENCES: 1 << 13, GUILD_MEMBERS: 1 << 15, MESSAGE_CONTENT: 1 << 19}


@dataclass
class Session:
    id: str
    intents: int
    frames: list[dict[str, Any]] = field(default_factory=list)  # frames[i] carries seq i + 1
    conn: Connection | None = None
    resumable: bool = True

    @property
    def seq(self) -> int:
        return len(self.frames)


@dataclass
class Connection:
    id: int
    ws: web.WebSocketResponse
    session: Session | None = None
    delivered: int = 0  # highest seq sent on this socket
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    def __init__(self, world: World, traffic: Traffic, token: str, *, heartbeat_interval: float,
                 privileged_intents: int) -> None:
        self.world, self.traffic, self.token = world, traffic, token
        self.heartbeat_interval = heartbeat_interval
        self.privileged_intents = privileged_intents
        self.resume_url = ""  # set by the server once its port is known
        self.session: Session | None = None
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.paths: dict[int, str] = {}  # connection id -> path and query it connected to
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ids = itertools.count(1)
        self._open = asyncio.Event()
        self._open.set()

    @property
    def application_flags(self) -> int:
        return sum(flag for intent, flag in PORTAL_FLAGS.items() if self.privileged_intents & intent)

    # -- the websocket endpoint --------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(next(self._ids), ws)
        self.connections.append(conn)
        self.paths[conn.id] = request.path_qs
        try:
            await self._open.wait()  # held by drop_gateway(hold=True) so tests can act while "offline"
            await self._send(conn, {"op": HELLO, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000),
                                                       "_trace": ["fake-discord"]}})
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
        except ConnectionResetError:
            pass
        finally:
            self._detach(conn)
        return ws

    async def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        self.traffic.gateway.append(GatewayFrame("received", op, None, None, data, conn.id))
        if op == HEARTBEAT:
            await self._send(conn, {"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(conn, data or {})
        elif op in (PRESENCE, 4):  # presence and voice state updates are accepted and ignored
            return
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if conn.session is not None:
            return await conn.ws.close(code=4005, message=b"Already authenticated.")
        if data.get("token") != self.token:
            return await conn.ws.close(code=4004, message=b"Authentication failed.")
        intents = int(data.get("intents") or 0)
        if intents & PRIVILEGED & ~self.privileged_intents:
            return await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
        if self.session is not None:
            self.session.resumable = False  # a new IDENTIFY abandons the previous session
        session = Session(uuid.uuid4().hex, intents)
        self.sessions[session.id] = self.session = session
        self._attach(conn, session, delivered=0)
        await self._dispatch_to(session, "READY", self._ready_payload(session))
        for guild in self.world.guilds.values():
            await self._dispatch_to(session, "GUILD_CREATE", guild.create_payload())

    def _ready_payload(self, session: Session) -> dict[str, Any]:
        user = self.world.bot.payload() | {"verified": True, "mfa_enabled": False, "flags": 0, "email": None}
        return {"v": 10, "user": user, "session_id": session.id, "session_type": "normal",
                "resume_gateway_url": self.resume_url, "shard": [0, 1],
                "guilds": [{"id": str(g), "unavailable": True} for g in self.world.guilds],
                "application": {"id": str(self.world.app_id), "flags": self.application_flags},
                "private_channels": [], "relationships": [], "presences": [], "_trace": ["fake-discord"]}

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            return await conn.ws.close(code=4004, message=b"Authentication failed.")
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or not session.resumable:
            return await self._send(conn, {"op": INVALID_SESSION, "d": False})
        seq = int(data.get("seq") or 0)
        if seq > session.seq:
            return await conn.ws.close(code=4007, message=b"Invalid seq.")
        old = session.conn
        if old is not None and old is not conn:  # a resumed session takes over from any old socket
            self._detach(old)
            self._background(old.ws.close(code=4000))
        self._attach(conn, session, delivered=seq)
        await self._flush(session)  # the replay: everything after the client's last seq
        await self._dispatch_to(session, "RESUMED", {"_trace": ["fake-discord"]})

    async def _members_chunk(self, conn: Connection, data: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(data.get("guild_id") or 0))
        if guild is None or conn.session is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [m.payload() for m in guild.members.values() if not wanted or m.id in wanted]
        await self._dispatch_to(conn.session, "GUILD_MEMBERS_CHUNK", {
            "guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1,
            "not_found": [], "nonce": data.get("nonce")})

    # -- dispatching -------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> int | None:
        """Dispatch to the current session, live or disconnected. Returns the seq, or None when the
        session's intents filter the event out (recorded as a "filtered" frame)."""
        if self.session is None:
            raise RuntimeError("no gateway session yet: start the client and wait until it is ready")
        return await self._dispatch_to(self.session, event, data)

    async def _dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> int | None:
        needed = EVENT_INTENTS.get(event, 0)
        if needed and not session.intents & needed:
            self.traffic.gateway.append(GatewayFrame("filtered", DISPATCH, event, None, data, 0))
            return None
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not session.intents & MESSAGE_CONTENT:
            data = self._without_content(data)
        session.frames.append({"op": DISPATCH, "t": event, "s": session.seq + 1, "d": data})
        seq = session.seq
        await self._flush(session)
        return seq

    def _without_content(self, data: dict[str, Any]) -> dict[str, Any]:
        """Without the MESSAGE_CONTENT intent Discord blanks other users' messages unless they mention
        the bot."""
        author = (data.get("author") or {}).get("id")
        mentioned = any(u.get("id") == str(self.world.bot.id) for u in data.get("mentions") or [])
        if author == str(self.world.bot.id) or mentioned:
            return data
        return data | {"content": "", "embeds": [], "attachments": [], "components": []}

    async def _flush(self, session: Session) -> None:
        conn = session.conn
        if conn is None:
            return
        async with conn.lock:
            while session.conn is conn and conn.delivered < session.seq:
                frame = session.frames[conn.delivered]
                if not await self._send(conn, frame):
                    return
                conn.delivered += 1

    async def _send(self, conn: Connection, frame: dict[str, Any]) -> bool:
        if conn.ws.closed:
            self._detach(conn)
            return False
        try:
            await conn.ws.send_str(json.dumps(frame))
        except (ConnectionResetError, RuntimeError):
            self._detach(conn)
            return False
        self.traffic.gateway.append(GatewayFrame("sent", frame["op"], frame.get("t"), frame.get("s"),
                                                 frame.get("d"), conn.id))
        return True

    def _background(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)  # keep a reference until done
        task.add_done_callback(self._tasks.discard)

    def _attach(self, conn: Connection, session: Session, delivered: int) -> None:
        conn.session, conn.delivered, session.conn = session, delivered, conn

    def _detach(self, conn: Connection) -> None:
        if conn.session is not None and conn.session.conn is conn:
            conn.session.conn = None
        if conn in self.connections:
            self.connections.remove(conn)

    # -- server-initiated disruptions --------------------------------------------------------------

    def _live(self) -> Connection:
        if self.session is None or self.session.conn is None:
            raise RuntimeError("no live gateway connection")
        return self.session.conn

    async def drop(self, code: int = 4000, hold: bool = False) -> None:
        """Close the socket like a network blip or a Discord restart: the client should RESUME. With
        hold=True new connections wait before HELLO until `release()`, so events dispatched meanwhile
        are guaranteed to be missed live and replayed."""
        conn = self._live()
        if hold:
            self._open.clear()
        self._detach(conn)
        await conn.ws.close(code=code, message=b"fake-discord drop")

    def release(self) -> None:
        self._open.set()

    async def request_reconnect(self) -> None:
        await self._send(self._live(), {"op": RECONNECT, "d": None})

    async def invalidate_session(self, resumable: bool = False) -> None:
        conn = self._live()
        if not resumable and conn.session is not None:
            conn.session.resumable = False
        await self._send(conn, {"op": INVALID_SESSION, "d": resumable})

    async def close_all(self) -> None:
        self.release()
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"fake-discord stopping")
