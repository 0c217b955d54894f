"""FakeDiscord: the aiohttp server on 127.0.0.1 that ties the REST routes, the interaction routes and the
gateway together, records all traffic, injects faults, and offers the helpers tests drive it with."""

from __future__ import annotations

import base64

import json
from typing import Any, Awaitable, Callable, Mapping, Sequence

from aiohttp import web

from .actions import UserActions
from .buckets import Rule, RouteLimits
from .channels import ChannelRoutes
from .context import Context, Interaction
from .faults import DISCONNECT, LOST_ANSWER, RATE_LIMIT, SERVER_ERROR, Fault, Faults
from .gateway import PRIVILEGED, Gateway
from .interactions import InteractionRoutes
from .messages import MessageStore, StoredMessage
from .model import Channel, Member, Role, User, build_world
from .rest import CoreRoutes
from .traffic import GatewayFrame, RestCall, Traffic
from .wire import BODY_KEY, DiscordError, json_body, rate_limited, read_body, unauthorized

API_BASE = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def bot_token(app_id: int) -> str:
    """A token shaped as Discord issues them: the application id in base64, a timestamp, an HMAC."""
    head = base64.b64encode(str(app_id).encode()).decode().rstrip("=")
    return f"{head}.GhIjKl.{'f' * 38}"


class FakeDiscord:
    """A loopback Discord for the real discord.py client. Use as ``async with FakeDiscord() as fake``."""

    def __init__(self, *, token: str | None = None, ack_deadline: float = 3.0,
                 token_lifetime: float = 15 * 60.0, heartbeat_interval: float = 41.25,
                 privileged_intents: int = PRIVILEGED, bot_name: str = "Steelman") -> None:
        self.world, self.cast = build_world(bot_name)
        token = token or bot_token(self.world.app_id)
        self.traffic = Traffic()
        self.faults = Faults()
        self.gateway = Gateway(self.world, self.traffic, token, heartbeat_interval=heartbeat_interval,
                               privileged_intents=privileged_intents)
        self.ctx = Context(self.world, self.cast, token, self.traffic, self.gateway, MessageStore(self.world),
                           ack_deadline=ack_deadline, token_lifetime=token_lifetime)
        self.actions = UserActions(self.ctx)
        self.limits = RouteLimits()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._api_middleware], client_max_size=64 * 1024 * 1024)
        CoreRoutes(self.ctx, lambda: self.gateway_url).register(app.router, API_BASE)
        InteractionRoutes(self.ctx).register(app.router, API_BASE)
        ChannelRoutes(self.ctx).register(app.router, API_BASE)
        app.router.add_get("/ws", self.gateway.handle)
        app.router.add_get("/ws-resume", self.gateway.handle)  # READY's resume_gateway_url
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # port 0 above: the OS picked a free one
        self.gateway.resume_url = f"ws://127.0.0.1:{self.port}/ws-resume"
        return self

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.url + API_BASE

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    # -- settings and the default community --------------------------------------------------------

    token = property(lambda self: self.ctx.token)
    app_id = property(lambda self: self.world.app_id)
    bot_user = property(lambda self: self.world.bot)
    guild = property(lambda self: self.cast.guild)
    channel = property(lambda self: self.cast.channel)
    general = property(lambda self: self.cast.general)
    owner = property(lambda self: self.cast.owner)
    moderator = property(lambda self: self.cast.moderator)
    member = property(lambda self: self.cast.member)
    other_member = property(lambda self: self.cast.other_member)
    moderator_role = property(lambda self: self.cast.moderator_role)

    @property
    def ack_deadline(self) -> float:
        return self.ctx.ack_deadline

    @ack_deadline.setter
    def ack_deadline(self, seconds: float) -> None:
        self.ctx.ack_deadline = seconds

    @property
    def privileged_intents(self) -> int:
        """Privileged intents "enabled in the developer portal"; IDENTIFY asking for others gets 4014."""
        return self.gateway.privileged_intents

    @privileged_intents.setter
    def privileged_intents(self, intents: int) -> None:
        self.gateway.privileged_intents = intents

    def add_member(self, username: str, roles: Sequence[Role] = ()) -> Member:
        """Before the client connects (GUILD_CREATE carries the member list)."""
        return self.world.add_member(self.guild, username, tuple(roles))

    def add_role(self, name: str, permissions: int, **kw: Any) -> Role:
        return self.world.add_role(self.guild, name, permissions, **kw)

    def add_channel(self, name: str, **kw: Any) -> Channel:
        return self.world.add_channel(self.guild, name, **kw)

    # -- what members do ---------------------------------------------------------------------------

    async def send_slash_command(self, name: str, options: Mapping[str, Any] | None = None, *,
                                 user: Member | User | int | None = None, channel: Channel | None = None,
                                 subcommand: str | Sequence[str] | None = None,
                                 enforce_permissions: bool = True, locale: str = "en-US") -> Interaction:
        """`name` may include the subcommand path ("debate start"). Returns the dispatched interaction
        (its `id`, `token` and `payload`)."""
        return await self.actions.slash_command(
            name, options, channel=channel or self.channel, user=user or self.member, subcommand=subcommand,
            enforce_permissions=enforce_permissions, locale=locale)

    async def send_autocomplete(self, name: str, options: Mapping[str, Any], focused: str, *,
                                user: Member | User | int | None = None, channel: Channel | None = None,
                                subcommand: str | Sequence[str] | None = None) -> Interaction:
        """The member is typing into option `focused`; the bot must answer with a type-8 callback."""
        return await self.actions.slash_command(name, options, channel=channel or self.channel,
                                                user=user or self.member, subcommand=subcommand, focused=focused)

    async def send_button_click(self, custom_id: str, message: StoredMessage | int,
                                user: Member | User | int | None = None) -> Interaction:
        return await self.actions.component(self.message(message), custom_id, user or self.member)

    async def send_select(self, custom_id: str, values: Sequence[str], message: StoredMessage | int,
                          user: Member | User | int | None = None) -> Interaction:
        return await self.actions.component(self.message(message), custom_id, user or self.member, values)

    async def send_modal_submit(self, values: Mapping[str, str] | Sequence[dict[str, Any]], *,
                                user: Member | User | int | None = None,
                                custom_id: str | None = None) -> Interaction:
        """Submit the modal the bot last showed this member (a type-9 callback), filling its inputs by
        custom_id; a list of raw components is sent as given."""
        return await self.actions.modal_submit(values, user=user or self.member, custom_id=custom_id)

    async def add_reaction(self, message: StoredMessage | int, emoji: str,
                           user: Member | User | int | None = None) -> bool:
        return await self.actions.reaction(self.message(message), emoji, user or self.member, add=True)

    async def remove_reaction(self, message: StoredMessage | int, emoji: str,
                              user: Member | User | int | None = None) -> bool:
        return await self.actions.reaction(self.message(message), emoji, user or self.member, add=False)

    async def send_user_message(self, content: str, *, channel: Channel | None = None,
                                user: Member | User | int | None = None,
                                reply_to: StoredMessage | None = None) -> StoredMessage:
        return await self.actions.user_message(content, channel=channel or self.channel,
                                               user=user or self.member, reply_to=reply_to)

    async def dispatch(self, event: str, data: dict[str, Any]) -> int | None:
        """Any raw gateway event; returns its sequence number (None if the intents filtered it)."""
        return await self.gateway.dispatch(event, data)

    # -- gateway disruptions -----------------------------------------------------------------------

    async def drop_gateway(self, *, code: int = 4000, hold: bool = False) -> None:
        await self.gateway.drop(code, hold)

    def release_gateway(self) -> None:
        self.gateway.release()

    async def request_reconnect(self) -> None:
        await self.gateway.request_reconnect()

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        await self.gateway.invalidate_session(resumable)

    # -- REST faults -------------------------------------------------------------------------------

    def rate_limit(self, method: str | None, path: str, *, count: int = 1, retry_after: float = 0.05,
                   is_global: bool = False) -> Fault:
        return self.faults.add(Fault(RATE_LIMIT, method, path, count, retry_after, is_global))

    def route_limit(self, method: str | None, route: str, *, limit: int, window: float = 1.0) -> Rule:
        """Give a route (a glob over its template: "/channels/{channel_id}/messages") a bucket of `limit`
        requests per `window` seconds for each major parameter; the next request gets a 429."""
        return self.limits.set(method, route, limit, window)

    def server_error(self, method: str | None, path: str, *, count: int = 1, status: int = 500) -> Fault:
        """Note: discord.py retries 500/502/504 after sleeping 1 + 2*tries seconds; 503 is raised at once."""
        return self.faults.add(Fault(SERVER_ERROR, method, path, count, status=status))

    def disconnect(self, method: str | None, path: str, *, count: int = 1) -> Fault:
        return self.faults.add(Fault(DISCONNECT, method, path, count))

    def lose_answer(self, method: str | None, path: str, *, count: int = 1) -> Fault:
        """The request is carried out (a message is made), then the connection drops before the answer:
        what a crash or a timeout after sending looks like to the bot."""
        return self.faults.add(Fault(LOST_ANSWER, method, path, count))

    # -- what the fake saw and holds ---------------------------------------------------------------

    def requests(self, method: str | None = None, path: str | None = None) -> list[RestCall]:
        return self.traffic.requests(method, path)

    def frames(self, direction: str | None = None, op: int | None = None, t: str | None = None
               ) -> list[GatewayFrame]:
        return self.traffic.frames(direction, op, t)

    async def wait_for_request(self, predicate: Callable[[RestCall], bool] | None = None, **kw: Any) -> RestCall:
        """kw: method, path (glob), timeout (default 2 s), since (index into `requests()`)."""
        return await self.traffic.wait_for_request(predicate, **kw)

    async def wait_for_frame(self, predicate: Callable[[GatewayFrame], bool] | None = None,
                             **kw: Any) -> GatewayFrame:
        return await self.traffic.wait_for_frame(predicate, **kw)

    async def wait_for_callback(self, interaction: Interaction, timeout: float = 2.0) -> RestCall:
        return await self.wait_for_request(method="POST", path=f"/interactions/{interaction.id}/*/callback",
                                           timeout=timeout)

    def message(self, message: StoredMessage | int) -> StoredMessage:
        if isinstance(message, StoredMessage):
            return message
        return self.ctx.messages.by_id[message]

    def messages_in(self, channel: Channel | int) -> list[StoredMessage]:
        return self.ctx.messages.in_channel(channel if isinstance(channel, int) else channel.id)

    def direct_messages(self, user: Member | User) -> list[StoredMessage]:
        """What the bot sent `user` in their DM channel, oldest first."""
        dm = self.world.dms.get(user.id)
        return self.ctx.messages.in_channel(dm.id) if dm else []

    def refuse_dms(self, user: Member | User) -> None:
        """The user's privacy settings refuse the bot's direct messages (Discord then answers 50007)."""
        self.world.refuses_dms.add(user.id)

    def message_payload(self, message: StoredMessage | int) -> dict[str, Any]:
        return self.ctx.messages.payload(self.message(message))

    def threads(self, parent: Channel | None = None) -> list[Channel]:
        parent = parent or self.channel
        return [c for c in self.guild.channels.values() if c.is_thread and c.parent_id == parent.id]

    def commands(self, guild: int | None = None) -> dict[str, dict[str, Any]]:
        """Synced commands by name: global with guild=None, else that guild's."""
        return dict(self.ctx.commands.get(guild, {}))

    def interaction(self, interaction_id: int) -> Interaction:
        return self.ctx.interactions[interaction_id]

    # -- the REST middleware: faults, auth, Discord errors, recording ------------------------------

    @web.middleware
    async def _api_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_BASE + "/"):
            return await handler(request)
        path = request.path[len(API_BASE):]
        authorized = request.headers.get("Authorization") == f"Bot {self.ctx.token}"
        try:
            body, files = await read_body(request)
        except DiscordError:
            body, files = None, []
        fault = self.faults.take(request.method, path)
        if fault is not None and fault.kind == DISCONNECT:
            request.transport.close()  # type: ignore[union-attr]
            self._record(request, path, authorized, None, None, fault.kind)
            return web.Response(status=204)
        response = await self._respond(request, handler, path, authorized, fault)
        self._record(request, path, authorized, response.status, _decoded(response), fault and fault.kind)
        if fault is not None and fault.kind == LOST_ANSWER:
            request.transport.close()  # type: ignore[union-attr]
        return response

    async def _respond(self, request: web.Request, handler: Handler, path: str, authorized: bool,
                       fault: Fault | None) -> web.Response:
        resource = request.match_info.route.resource
        bucket = f"{request.method} {resource.canonical if resource else path}"
        if fault is not None and fault.kind == RATE_LIMIT:
            return rate_limited(bucket, fault.retry_after, fault.is_global)
        if fault is not None and fault.kind == SERVER_ERROR:
            return json_body({"message": f"{fault.status}: Internal Server Error", "code": 0}, fault.status)
        template = resource.canonical[len(API_BASE):] if resource and resource.canonical.startswith(
            API_BASE) else path
        counted = self.limits.take(request.method, template, dict(request.match_info))
        if not counted.allowed:
            refused = rate_limited(bucket, counted.retry_after, False)
            refused.headers.update(counted.headers)
            return refused
        try:
            if not (authorized or _token_route(path)):
                raise unauthorized()
            response = await handler(request)
        except DiscordError as error:
            response = json_body(error.body(), error.status)
        except web.HTTPException as error:  # no such route / method: Discord's bare 404 / 405
            response = json_body({"message": f"{error.status}: {error.reason}", "code": 0}, error.status)
        response.headers.update(counted.headers)
        return response  # type: ignore[return-value]

    def _record(self, request: web.Request, path: str, authorized: bool, status: int | None,
                response: Any, fault: str | None) -> None:
        body, files = request.get(BODY_KEY, (None, []))
        self.traffic.rest.append(RestCall(request.method, path, dict(request.query), body,
                                          tuple(f.filename for f in files), authorized, status, response, fault))


def _token_route(path: str) -> bool:
    """Interaction callbacks and the interaction webhook authenticate by their token, not the bot's."""
    parts = path.strip("/").split("/")
    return parts[0] == "interactions" or (parts[0] == "webhooks" and len(parts) >= 3)


def _decoded(response: web.Response) -> Any:
    if response.content_type != "application/json" or not isinstance(response.body, bytes):
        return None
    return json.loads(response.body)
