"""What members do in the Discord client, turned into gateway dispatches: slash commands, button clicks,
select choices, modal submits, reactions and plain messages.

The Discord client refuses some things before anything reaches a bot, and so do these helpers (they raise
in the test instead of dispatching): unknown or unsynced commands, missing required options, values outside
the declared choices, commands the member lacks `default_member_permissions` for, clicks on components
that do not exist or are disabled, and clicks on someone else's ephemeral message.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .context import APPLICATION_COMMAND, AUTOCOMPLETE, COMPONENT, MODAL_SUBMIT, Context, Interaction
from .limits import modal_inputs
from .messages import StoredMessage
from .model import ALL_PERMISSIONS, Channel, Guild, Member, Role, User

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
ATTACHMENT_LIMIT = 10 * 1024 * 1024


class UserActions:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._submitted: set[int] = set()  # interactions whose modal was already submitted

    # -- common interaction envelope ---------------------------------------------------------------

    async def _dispatch(self, kind: int, channel: Channel, member: Member, data: dict[str, Any],
                        message: StoredMessage | None = None, locale: str = "en-US") -> Interaction:
        ctx, guild = self.ctx, self.ctx.world.guild_of(channel)
        perms = guild.channel_permissions(member, channel)
        interaction = ctx.new_interaction(kind, channel, member.id, {}, message.id if message else None)
        interaction.payload = {
            "id": str(interaction.id), "application_id": str(ctx.world.app_id), "type": kind,
            "token": interaction.token, "version": 1, "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id), "channel": channel.payload() | {"permissions": str(perms)},
            "member": member.payload(permissions=perms), "locale": locale, "guild_locale": "en-US",
            "app_permissions": str(ctx.world.bot_permissions(channel)), "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)}, "context": 0,
            "attachment_size_limit": ATTACHMENT_LIMIT, "data": data,
        }
        if not ctx.channel_object:
            del interaction.payload["channel"]
        if message is not None:
            interaction.payload["message"] = ctx.messages.payload(message)
        await ctx.gateway.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    def member_of(self, guild: Guild, who: Member | User | int) -> Member:
        user_id = who if isinstance(who, int) else who.id
        if user_id not in guild.members:
            raise LookupError(f"user {user_id} is not a member of {guild.name}")
        return guild.members[user_id]

    # -- slash commands ----------------------------------------------------------------------------

    async def slash_command(self, name: str, options: Mapping[str, Any] | None, *, channel: Channel,
                            user: Member | User | int, subcommand: str | Sequence[str] | None = None,
                            enforce_permissions: bool = True, locale: str = "en-US",
                            focused: str | None = None) -> Interaction:
        """With `focused` (an option name) this is an autocomplete interaction for a partial input."""
        guild = self.ctx.world.guild_of(channel)
        member = self.member_of(guild, user)
        path = name.split() + ([subcommand] if isinstance(subcommand, str) else list(subcommand or []))
        command = self._registered(guild, path[0])
        if enforce_permissions:
            self._check_allowed(guild, member, channel, command)
        nodes = [command]  # the command, then each subcommand group / subcommand on the path
        for part in path[1:]:
            nodes.append(self._child(nodes[-1], part))
        resolved: dict[str, dict[str, Any]] = {}
        leaf = self._leaf_options(nodes[-1], dict(options or {}), guild, resolved, focused)
        for node in reversed(nodes[1:]):
            leaf = [{"type": int(node["type"]), "name": node["name"], "options": leaf}]
        data: dict[str, Any] = {"id": command["id"], "name": path[0], "type": 1, "options": leaf}
        if resolved:
            data["resolved"] = resolved
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        kind = APPLICATION_COMMAND if focused is None else AUTOCOMPLETE
        return await self._dispatch(kind, channel, member, data, locale=locale)

    def _registered(self, guild: Guild, name: str) -> dict[str, Any]:
        command = self.ctx.commands.get(guild.id, {}).get(name) or self.ctx.commands.get(None, {}).get(name)
        if command is None:
            raise LookupError(f"/{name} is not registered: the bot must sync its command tree first")
        return command

    @staticmethod
    def _check_allowed(guild: Guild, member: Member, channel: Channel, command: dict[str, Any]) -> None:
        required = command.get("default_member_permissions")
        perms = guild.channel_permissions(member, channel)
        if required is not None and perms != ALL_PERMISSIONS and int(required) & ~perms:
            raise PermissionError(f"{member.user.username} cannot use /{command['name']} "
                                  f"(needs permissions {required})")

    @staticmethod
    def _child(node: dict[str, Any], name: str) -> dict[str, Any]:
        for option in node.get("options") or []:
            if option.get("type") in (1, 2) and option["name"] == name:
                return option
        raise LookupError(f"/{node['name']} has no subcommand {name!r}")

    def _leaf_options(self, node: dict[str, Any], given: dict[str, Any], guild: Guild,
                      resolved: dict[str, dict[str, Any]], focused: str | None) -> list[dict[str, Any]]:
        declared = {o["name"]: o for o in node.get("options") or [] if o.get("type") not in (1, 2)}
        if any(o.get("type") in (1, 2) for o in node.get("options") or []):
            raise LookupError(f"/{node['name']} needs a subcommand")
        unknown = set(given) - set(declared)
        if unknown:
            raise LookupError(f"/{node['name']} has no option(s) {sorted(unknown)}")
        if focused is not None:
            return self._partial_options(declared, given, focused)
        missing = [n for n, o in declared.items() if o.get("required") and n not in given]
        if missing:
            raise ValueError(f"/{node['name']} is missing required option(s) {missing}")
        return [self._option(declared[n], v, guild, resolved) for n, v in given.items()]

    @staticmethod
    def _partial_options(declared: dict[str, dict[str, Any]], given: dict[str, Any],
                         focused: str) -> list[dict[str, Any]]:
        """Autocomplete: the input as typed so far, unchecked, with the option being typed marked."""
        if focused not in given:
            raise LookupError(f"focused option {focused!r} needs a (partial) value")
        options = []
        for name, value in given.items():
            option = {"type": int(declared[name]["type"]), "name": name, "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        return options

    def _option(self, spec: dict[str, Any], value: Any, guild: Guild,
                resolved: dict[str, dict[str, Any]]) -> dict[str, Any]:
        kind, name = int(spec["type"]), spec["name"]
        choices = [c["value"] for c in spec.get("choices") or []]
        if choices and value not in choices:
            raise ValueError(f"option {name!r}: {value!r} is not one of {choices}")
        if kind == STRING:
            text = str(value)
            if not (spec.get("min_length") or 0) <= len(text) <= (spec.get("max_length") or 6000):
                raise ValueError(f"option {name!r}: length {len(text)} outside the declared bounds")
            return {"type": kind, "name": name, "value": text}
        if kind in (INTEGER, NUMBER):
            number = int(value) if kind == INTEGER else float(value)
            low, high = spec.get("min_value"), spec.get("max_value")
            if (low is not None and number < low) or (high is not None and number > high):
                raise ValueError(f"option {name!r}: {number} outside [{low}, {high}]")
            return {"type": kind, "name": name, "value": number}
        if kind == BOOLEAN:
            return {"type": kind, "name": name, "value": bool(value)}
        return {"type": kind, "name": name, "value": str(self._resolve(kind, value, guild, resolved))}

    def _resolve(self, kind: int, value: Any, guild: Guild, resolved: dict[str, dict[str, Any]]) -> int:
        """USER / CHANNEL / ROLE / MENTIONABLE options carry an id plus the object in `resolved`."""
        if isinstance(value, Role) or (kind == ROLE and isinstance(value, int)):
            role = value if isinstance(value, Role) else guild.roles[value]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return role.id
        if isinstance(value, Channel) or kind == CHANNEL:
            channel = value if isinstance(value, Channel) else self.ctx.channel(int(value))
            perms = self.ctx.world.bot_permissions(channel)
            resolved.setdefault("channels", {})[str(channel.id)] = channel.payload() | {"permissions": str(perms)}
            return channel.id
        member = self.member_of(guild, value)
        resolved.setdefault("users", {})[str(member.id)] = member.user.payload()
        member_data = {k: v for k, v in member.payload().items() if k != "user"}
        resolved.setdefault("members", {})[str(member.id)] = member_data | {"permissions": "0"}
        return member.id

    # -- components and modals ---------------------------------------------------------------------

    async def component(self, message: StoredMessage, custom_id: str, user: Member | User | int,
                        values: Sequence[str] | None = None) -> Interaction:
        component = message.find_component(custom_id)
        if component is None:
            raise LookupError(f"message {message.id} has no component {custom_id!r}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        channel = self.ctx.channel(message.channel_id)
        member = self.member_of(self.ctx.world.guild_of(channel), user)
        owner = (message.extra.get("interaction_metadata") or {}).get("user", {}).get("id")
        if message.ephemeral and owner != str(member.id):
            raise PermissionError("only the member who received an ephemeral message can use it")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] != 2:
            data["values"] = list(values or [])
        return await self._dispatch(COMPONENT, channel, member, data, message)

    async def modal_submit(self, values: Mapping[str, Any] | Sequence[dict[str, Any]], *,
                           user: Member | User | int, custom_id: str | None = None) -> Interaction:
        source = self._open_modal(user, custom_id)
        modal = source.modal or {}
        if isinstance(values, Mapping):
            components = self._filled(modal, values)
        else:  # raw components, for payloads the helper cannot express
            components = list(values)
        self._submitted.add(source.id)
        channel = self.ctx.channel(source.channel_id)
        member = self.member_of(self.ctx.world.guild_of(channel), user)
        message = self.ctx.messages.by_id.get(source.message_id or 0)
        data = {"custom_id": modal.get("custom_id", custom_id), "components": components}
        return await self._dispatch(MODAL_SUBMIT, channel, member, data, message)

    def _open_modal(self, user: Member | User | int, custom_id: str | None) -> Interaction:
        user_id = user if isinstance(user, int) else user.id
        for interaction in reversed(list(self.ctx.interactions.values())):
            if (interaction.modal is not None and interaction.user_id == user_id
                    and interaction.id not in self._submitted
                    and (custom_id is None or interaction.modal.get("custom_id") == custom_id)):
                return interaction
        raise LookupError(f"no open modal {custom_id or ''} was shown to user {user_id}")

    @staticmethod
    def _filled(modal: dict[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
        inputs = {i.get("custom_id"): i for i in modal_inputs(modal)}
        unknown = set(values) - set(inputs)
        if unknown:
            raise LookupError(f"modal {modal.get('custom_id')!r} has no input(s) {sorted(unknown)}")
        for key, spec in inputs.items():
            given = values.get(key)
            if spec.get("required", True) and not given:
                raise ValueError(f"modal input {key!r} is required")
            bounds = (spec.get("min_length") or 0, spec.get("max_length") or 4000)
            if spec.get("type") == 4 and given and not bounds[0] <= len(given) <= bounds[1]:
                raise ValueError(f"modal input {key!r}: length {len(given)} outside {bounds}")
        submitted = []
        for component in modal.get("components") or []:
            if component.get("type") == 18:  # a label wrapping one input
                submitted.append({"type": 18, "component": _answer(component["component"], values)})
            elif component.get("type") == 1:  # an action row of text inputs
                submitted.append({"type": 1, "components": [_answer(c, values) for c in component["components"]]})
            # text displays and other static parts are not sent back
        return submitted

    # -- reactions and messages --------------------------------------------------------------------

    async def reaction(self, message: StoredMessage, emoji: str, user: Member | User | int, add: bool) -> bool:
        member = self.member_of(self.ctx.world.guilds[message.guild_id], user)
        if not self.ctx.messages.react(message, emoji, member.id, add):
            return False
        event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
        await self.ctx.gateway.dispatch(event, self.ctx.reaction_event(message, emoji, member.id, add))
        return True

    async def user_message(self, content: str, *, channel: Channel, user: Member | User | int,
                           reply_to: StoredMessage | None = None) -> StoredMessage:
        member = self.member_of(self.ctx.world.guild_of(channel), user)
        body: dict[str, Any] = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(reply_to.id), "channel_id": str(reply_to.channel_id)}
        message = self.ctx.messages.create(channel, member.user, body)
        await self.ctx.gateway.dispatch("MESSAGE_CREATE", self.ctx.message_event(message))
        return message


def _answer(component: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A submitted modal input: text inputs carry `value`, selects inside a modal carry `values`."""
    answer = {"type": component["type"], "custom_id": component["custom_id"]}
    given = values.get(component["custom_id"], "")
    if isinstance(given, (list, tuple)):
        answer["values"] = list(given)
    else:
        answer["value"] = given
    return answer
