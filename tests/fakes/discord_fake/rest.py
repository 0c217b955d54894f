"""REST routes for identity, the gateway URL, the application, command sync, guilds and users."""

from __future__ import annotations

from typing import Any, Callable

from aiohttp import web

from . import limits
from .context import Context
from .model import Guild
from .wire import DiscordError, json_body, not_found, read_body, snowflake_arg

UNKNOWN_GUILD, UNKNOWN_MEMBER, UNKNOWN_USER, UNKNOWN_COMMAND = 10004, 10007, 10013, 10063


class CoreRoutes:
    def __init__(self, ctx: Context, gateway_url: Callable[[], str]) -> None:
        self.ctx = ctx
        self.gateway_url = gateway_url

    def register(self, router: web.UrlDispatcher, base: str) -> None:
        app_cmds = base + "/applications/{app_id}/commands"
        guild_cmds = base + "/applications/{app_id}/guilds/{guild_id}/commands"
        routes = [
            ("GET", "/users/@me", self.me), ("GET", "/users/{user_id}", self.user),
            ("POST", "/users/@me/channels", self.open_dm),
            ("GET", "/gateway", self.gateway), ("GET", "/gateway/bot", self.gateway_bot),
            ("GET", "/applications/@me", self.application),
            ("GET", "/oauth2/applications/@me", self.application),  # what discord.py's login calls
            ("GET", "/guilds/{guild_id}", self.guild), ("GET", "/guilds/{guild_id}/channels", self.channels),
            ("GET", "/guilds/{guild_id}/roles", self.roles), ("GET", "/guilds/{guild_id}/members", self.members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.member),
        ]
        for method, path, handler in routes:
            router.add_route(method, base + path, handler)
        for path in (app_cmds, guild_cmds):
            router.add_get(path, self.list_commands)
            router.add_put(path, self.sync_commands)
            router.add_get(path + "/{command_id}", self.get_command)

    # -- identity and gateway ----------------------------------------------------------------------

    async def me(self, request: web.Request) -> web.Response:
        return json_body(self.ctx.world.bot.payload() | {"verified": True, "mfa_enabled": False, "flags": 0})

    async def user(self, request: web.Request) -> web.Response:
        user = self.ctx.world.users.get(snowflake_arg(request, "user_id"))
        if user is None:
            raise not_found(UNKNOWN_USER, "User")
        return json_body(user.payload())

    async def open_dm(self, request: web.Request) -> web.Response:
        """Create DM: the body is exactly {"recipient_id": snowflake}; the same channel comes back each time.
        A bot (the bot itself too) cannot be messaged."""
        body, _ = await read_body(request)
        recipient = body.get("recipient_id") if isinstance(body, dict) else None
        if not isinstance(body, dict) or set(body) != {"recipient_id"} or not str(recipient).isdigit():
            raise DiscordError(400, 50035, "Invalid Form Body", {"recipient_id": {"_errors": [
                {"code": "NUMBER_TYPE_COERCE", "message": f"Value \"{recipient}\" is not snowflake."}]}})
        user = self.ctx.world.users.get(int(recipient))
        if user is None:
            raise not_found(UNKNOWN_USER, "User")
        if user.bot:
            raise DiscordError(400, 50007, "Cannot send messages to this user")
        return json_body(self.ctx.world.dm_with(user).payload())

    async def gateway(self, request: web.Request) -> web.Response:
        return json_body({"url": self.gateway_url()})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        return json_body({"url": self.gateway_url(), "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}})

    async def application(self, request: web.Request) -> web.Response:
        world = self.ctx.world
        owner = world.users[self.ctx.cast.owner.id]
        return json_body({"id": str(world.app_id), "name": world.bot.username, "description": "", "icon": None,
                          "bot_public": False, "bot_require_code_grant": False, "owner": owner.payload(),
                          "team": None, "verify_key": "0" * 64, "flags": self.ctx.gateway.application_flags,
                          "interactions_endpoint_url": None, "bot": world.bot.payload()})

    # -- application commands ----------------------------------------------------------------------

    def _scope(self, request: web.Request) -> int | None:
        if snowflake_arg(request, "app_id") != self.ctx.world.app_id:
            raise DiscordError(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return None
        guild_id = snowflake_arg(request, "guild_id")
        if guild_id not in self.ctx.world.guilds:
            raise DiscordError(403, 50001, "Missing Access")
        return guild_id

    async def sync_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite: the scope's commands become exactly the body; ids survive by name."""
        scope = self._scope(request)
        body, _ = await read_body(request)
        if not isinstance(body, list):
            raise DiscordError(400, 50035, "Invalid Form Body", {"_errors": [
                {"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]})
        limits.check_commands(body)
        previous = self.ctx.commands.get(scope, {})
        registered: dict[str, dict[str, Any]] = {}
        for command in body:
            old = previous.get(command["name"])
            registered[command["name"]] = self._registered(command, scope, old["id"] if old else None)
        self.ctx.commands[scope] = registered
        return json_body(list(registered.values()))

    def _registered(self, command: dict[str, Any], scope: int | None, old_id: str | None) -> dict[str, Any]:
        ids = self.ctx.world.ids
        data = {"type": 1, "options": [], "default_member_permissions": None, "nsfw": False,
                "contexts": None, "integration_types": [0]} | command
        data.update(id=old_id or str(ids.next()), application_id=str(self.ctx.world.app_id),
                    version=str(ids.next()))
        if scope is not None:
            data["guild_id"] = str(scope)
        return data

    async def list_commands(self, request: web.Request) -> web.Response:
        return json_body(list(self.ctx.commands.get(self._scope(request), {}).values()))

    async def get_command(self, request: web.Request) -> web.Response:
        wanted = request.match_info["command_id"]
        for command in self.ctx.commands.get(self._scope(request), {}).values():
            if command["id"] == wanted:
                return json_body(command)
        raise not_found(UNKNOWN_COMMAND, "application command")

    # -- guilds ------------------------------------------------------------------------------------

    def _guild(self, request: web.Request) -> Guild:
        guild = self.ctx.world.guilds.get(snowflake_arg(request, "guild_id"))
        if guild is None:
            raise not_found(UNKNOWN_GUILD, "Guild")
        return guild

    async def guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        data = guild.payload()
        if request.query.get("with_counts") in ("1", "true"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return json_body(data)

    async def channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_body([c.payload() for c in guild.channels.values() if not c.is_thread])

    async def roles(self, request: web.Request) -> web.Response:
        return json_body([r.payload() for r in self._guild(request).roles.values()])

    async def members(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        after = int(request.query.get("after", 0))
        limit = int(request.query.get("limit", 1))
        found = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return json_body([m.payload() for m in found[:limit]])

    async def member(self, request: web.Request) -> web.Response:
        member = self._guild(request).members.get(snowflake_arg(request, "user_id"))
        if member is None:
            raise not_found(UNKNOWN_MEMBER, "Member")
        return json_body(member.payload())
