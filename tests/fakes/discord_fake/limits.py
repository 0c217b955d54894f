"""Discord's documented payload limits, answered the way Discord answers: 400 with code 50035 ("Invalid
Form Body") and an error tree naming every offending field, e.g.
``{"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}``.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from .wire import DiscordError

CONTENT_MAX = 2000
EMBEDS_MAX, EMBED_TOTAL_MAX, EMBED_FIELDS_MAX = 10, 6000, 25
EMBED_TEXT_LIMITS = {"title": 256, "description": 4096}
ACTION_ROWS_MAX, ROW_ITEMS_MAX, CUSTOM_ID_MAX, BUTTON_LABEL_MAX, SELECT_OPTIONS_MAX = 5, 5, 100, 80, 25
MODAL_TITLE_MAX, TEXT_INPUT_LABEL_MAX, TEXT_INPUT_VALUE_MAX = 45, 45, 4000
COMMANDS_MAX, COMMAND_OPTIONS_MAX, CHOICES_MAX = 100, 25, 25
IS_COMPONENTS_V2 = 1 << 15
ATTACHMENTS_MAX, ATTACHMENT_BYTES_MAX = 10, 10 * 1024 * 1024  # a server without boosts
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
SELECT_TYPES = {3, 5, 6, 7, 8}  # string, user, role, mentionable and channel selects
SLOWMODE_MAX = 21600  # rate_limit_per_user: seconds, 0 to 6 hours


class Errors:
    """Collects field errors into Discord's nested `errors` tree, then raises once."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Iterable[Any], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_len(self, path: tuple[Any, ...], value: Any, limit: int) -> None:
        if value is not None and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: tuple[Any, ...], value: Any) -> bool:
        if value in (None, ""):
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return False
        return True

    def raise_if_any(self) -> None:
        if self.tree:
            raise DiscordError(400, 50035, "Invalid Form Body", self.tree)


def check_message(body: dict[str, Any], *, has_files: bool = False, partial: bool = False) -> None:
    """A message create (or, with partial=True, an edit) body."""
    errors = Errors()
    content = body.get("content")
    errors.max_len(("content",), content, CONTENT_MAX)
    _check_nonce(errors, body.get("nonce"))
    _check_embeds(errors, body.get("embeds") or [])
    flags = int(body.get("flags") or 0)
    if flags & IS_COMPONENTS_V2:
        if content or body.get("embeds"):
            errors.add(("content",), "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                       "The 'content' and 'embeds' fields cannot be used when using components v2")
    else:
        _check_action_rows(errors, body.get("components") or [])
    errors.raise_if_any()
    empty = not ((content or "").strip() or body.get("embeds") or body.get("components") or body.get("sticker_ids")
                 or body.get("poll") or has_files or body.get("attachments"))
    if empty and not partial:
        raise DiscordError(400, 50006, "Cannot send an empty message")


def _check_nonce(errors: Errors, nonce: Any) -> None:
    """A nonce is an integer or a string of at most 25 characters."""
    if nonce is None:
        return
    if isinstance(nonce, bool) or not isinstance(nonce, (int, str)):
        errors.add(("nonce",), "NONCE_TYPE_INVALID", "Nonce must be an integer or string.")
    elif isinstance(nonce, str):
        errors.max_len(("nonce",), nonce, 25)


def check_files(files: list[Any]) -> None:
    """Uploaded attachments: at most 10, each within the size cap (else the whole request is refused)."""
    if any(f.size > ATTACHMENT_BYTES_MAX for f in files):
        raise DiscordError(413, 40005, "Request entity too large")
    errors = Errors()
    errors.max_len(("attachments",), files, ATTACHMENTS_MAX)
    errors.raise_if_any()


def _check_embeds(errors: Errors, embeds: list[dict[str, Any]]) -> None:
    errors.max_len(("embeds",), embeds, EMBEDS_MAX)
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in EMBED_TEXT_LIMITS.items():
            errors.max_len(("embeds", i, key), embed.get(key), limit)
            total += len(embed.get(key) or "")
        fields = embed.get("fields") or []
        errors.max_len(("embeds", i, "fields"), fields, EMBED_FIELDS_MAX)
        for j, fld in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                if errors.required(("embeds", i, "fields", j, key), fld.get(key)):
                    errors.max_len(("embeds", i, "fields", j, key), fld[key], limit)
                total += len(fld.get(key) or "")
        footer, author = embed.get("footer") or {}, embed.get("author") or {}
        errors.max_len(("embeds", i, "footer", "text"), footer.get("text"), 2048)
        errors.max_len(("embeds", i, "author", "name"), author.get("name"), 256)
        total += len(footer.get("text") or "") + len(author.get("name") or "")
    if total > EMBED_TOTAL_MAX:
        errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED",
                   f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")


def _check_action_rows(errors: Errors, rows: list[dict[str, Any]]) -> None:
    errors.max_len(("components",), rows, ACTION_ROWS_MAX)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.get("type") != 1:
            errors.add(("components", i, "type"), "COMPONENT_LAYOUT_INVALID",
                       "Top-level components must be action rows unless the message uses components v2")
            continue
        items = row.get("components") or []
        errors.max_len(("components", i, "components"), items, ROW_ITEMS_MAX)
        for j, item in enumerate(items):
            _check_item(errors, ("components", i, "components", j), item, seen)


def _check_item(errors: Errors, path: tuple[Any, ...], item: dict[str, Any], seen: set[str]) -> None:
    custom_id = item.get("custom_id")
    is_link = item.get("type") == 2 and item.get("style") in (5, 6)
    if not is_link and errors.required(path + ("custom_id",), custom_id):
        errors.max_len(path + ("custom_id",), custom_id, CUSTOM_ID_MAX)
        if custom_id in seen:
            errors.add(path + ("custom_id",), "COMPONENT_CUSTOM_ID_DUPLICATED",
                       "Component custom id cannot be duplicated")
        seen.add(custom_id)
    if item.get("type") == 2:
        errors.max_len(path + ("label",), item.get("label"), BUTTON_LABEL_MAX)
    if item.get("type") == 3:
        errors.max_len(path + ("options",), item.get("options") or [], SELECT_OPTIONS_MAX)


def check_modal(data: dict[str, Any]) -> None:
    errors = Errors()
    if errors.required(("data", "title"), data.get("title")):
        errors.max_len(("data", "title"), data["title"], MODAL_TITLE_MAX)
    if errors.required(("data", "custom_id"), data.get("custom_id")):
        errors.max_len(("data", "custom_id"), data["custom_id"], CUSTOM_ID_MAX)
    rows = data.get("components") or []
    if not rows:
        errors.add(("data", "components"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    errors.max_len(("data", "components"), rows, 5)
    for path, inner in _modal_items(rows):
        _check_required_select(errors, path, inner)
    for i, text_input in enumerate(modal_inputs(data)):
        path = ("data", "components", i)
        errors.max_len(path + ("label",), text_input.get("label"), TEXT_INPUT_LABEL_MAX)
        errors.max_len(path + ("value",), text_input.get("value"), TEXT_INPUT_VALUE_MAX)
        if int(text_input.get("max_length") or TEXT_INPUT_VALUE_MAX) > TEXT_INPUT_VALUE_MAX:
            errors.add(path + ("max_length",), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
    errors.raise_if_any()


def _modal_items(rows: list[dict[str, Any]]) -> Iterable[tuple[tuple[Any, ...], dict[str, Any]]]:
    for i, component in enumerate(rows):
        if component.get("type") == 18:
            yield ("data", "components", i, "component"), component.get("component") or {}
        for j, inner in enumerate(component.get("components") or []):
            yield ("data", "components", i, "components", j), inner


def _check_required_select(errors: Errors, path: tuple[Any, ...], item: dict[str, Any]) -> None:
    """In a modal, a select is required unless it says `required: false`, and a required select may not
    accept nothing (discord-api-docs#8177; the answer as discord-api-docs#7800 shows it)."""
    if item.get("type") in SELECT_TYPES and item.get("required", True) is not False and \
            item.get("min_values") == 0:
        errors.add(path + ("min_values",), "SELECT_COMPONENT_REQUIRED_ZERO_MIN_VALUES",
                   "Select menus marked as required cannot have a min_values of 0")


def check_slowmode(body: dict[str, Any]) -> None:
    """`rate_limit_per_user` where a channel or thread is created or edited: whole seconds, 0..21600."""
    if "rate_limit_per_user" not in body or body["rate_limit_per_user"] is None:
        return
    value, errors = body["rate_limit_per_user"], Errors()
    if not isinstance(value, int) or isinstance(value, bool):
        errors.add(("rate_limit_per_user",), "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    elif value < 0:
        errors.add(("rate_limit_per_user",), "NUMBER_TYPE_MIN",
                   "int value should be greater than or equal to 0.")
    elif value > SLOWMODE_MAX:
        errors.add(("rate_limit_per_user",), "NUMBER_TYPE_MAX",
                   f"int value should be less than or equal to {SLOWMODE_MAX}.")
    errors.raise_if_any()


def modal_inputs(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs of a modal, whether wrapped in action rows (type 1) or labels (type 18)."""
    found: list[dict[str, Any]] = []
    for component in data.get("components") or []:
        if component.get("type") == 1:
            found.extend(component.get("components") or [])
        elif component.get("type") == 18:
            inner = dict(component.get("component") or {})
            inner.setdefault("label", component.get("label"))
            found.append(inner)
        elif component.get("custom_id"):
            found.append(component)
    return found


def check_autocomplete(data: dict[str, Any]) -> None:
    errors = Errors()
    choices = data.get("choices") or []
    errors.max_len(("data", "choices"), choices, CHOICES_MAX)
    for i, choice in enumerate(choices):
        errors.max_len(("data", "choices", i, "name"), choice.get("name"), 100)
    errors.raise_if_any()


def check_commands(commands: list[dict[str, Any]]) -> None:
    errors = Errors()
    chat = [c for c in commands if c.get("type", 1) == 1]
    if len(chat) > COMMANDS_MAX:
        errors.add(("_",), "APPLICATION_COMMANDS_TOO_MANY", f"Maximum number of commands is {COMMANDS_MAX}")
    names: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        key = (command.get("type", 1), command.get("name", ""))
        if key in names:
            errors.add((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", f"Duplicate name: {key[1]}")
        names.add(key)
        _check_command_node(errors, (i,), command, top=True)
    errors.raise_if_any()


def _check_command_node(errors: Errors, path: tuple[Any, ...], node: dict[str, Any], top: bool) -> None:
    name = node.get("name") or ""
    chat_input = not top or node.get("type", 1) == 1
    if chat_input and (not COMMAND_NAME.match(name) or name != name.lower()):
        errors.add(path + ("name",), "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
    if chat_input and not 1 <= len(node.get("description") or "") <= 100:
        errors.add(path + ("description",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    options = node.get("options") or []
    errors.max_len(path + ("options",), options, COMMAND_OPTIONS_MAX)
    _check_option_names(errors, path, options)
    optional_seen = False
    for j, option in enumerate(options):
        opath = path + ("options", j)
        if option.get("type") in (1, 2):
            _check_nesting(errors, opath, node, option, top)
            _check_command_node(errors, opath, option, top=False)
            continue
        _check_option_values(errors, opath, option)
        if option.get("required") and optional_seen:
            errors.add(opath + ("required",), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                       "Required options must be placed before non-required options")
        optional_seen |= not option.get("required")
        _check_command_node(errors, opath, {k: v for k, v in option.items() if k != "options"}, top=False)
        errors.max_len(opath + ("choices",), option.get("choices") or [], CHOICES_MAX)


def _check_option_names(errors: Errors, path: tuple[Any, ...], options: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for j, option in enumerate(options):
        if option.get("name") in seen:
            errors.add(path + ("options", j, "name"), "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                       "Option names must be unique")
        seen.add(option.get("name"))


def _check_nesting(errors: Errors, path: tuple[Any, ...], parent: dict[str, Any], option: dict[str, Any],
                   top: bool) -> None:
    """A group (2) holds subcommands (1) only, and sits on a command; a subcommand holds no subcommand."""
    parent_type = 0 if top else parent.get("type")
    allowed = {0: (1, 2), 2: (1,)}.get(parent_type, ())
    if option.get("type") not in allowed:
        errors.add(path + ("type",), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                   "Sub-command and sub-command group option types are mutually exclusive to all other types")


def _check_option_values(errors: Errors, path: tuple[Any, ...], option: dict[str, Any]) -> None:
    if option.get("autocomplete") and option.get("choices"):
        errors.add(path + ("autocomplete",), "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES",
                   "Autocomplete cannot be set on options with choices")
    for key, low in (("min_length", 0), ("max_length", 1)):
        if key in option and not low <= int(option[key]) <= 6000:
            errors.add(path + (key,), "NUMBER_TYPE_MAX", f"int value should be between {low} and 6000.")
