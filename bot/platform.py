"""The one face of the core that platform adapters import.

An adapter turns a platform's events into a `Request` and a command (by name, with raw option values) for
`Core.execute`, renders the `Reply` and the outbox's `OutboxItem`s in its own syntax and limits, and
implements the `Platform` port. Everything it needs of the core is here, so nothing else of `bot` leaks
into adapters and every debate decision stays in the core.
"""

from bot.agenda import Agenda
from bot.button_ids import PREFIX as BUTTON_PREFIX
from bot.button_ids import decode as decode_button
from bot.button_ids import encode as encode_button
from bot.catalog import BY_NAME, CATALOG
from bot.cleaning import clean, shorten, slug
from bot.commands import ARGUMENT, BOOL, CHOICE, DEBATE, INT, SIDE, TEXT, Command, Option
from bot.config import Settings, parse_duration
from bot.config_file import ConfigError, secret, token_problem
from bot.core import Core
from bot.domain import Actor, Debate, SpaceRef
from bot.errors import UserError
from bot.forms import Form, FormField, FormLimits, form_for
from bot.handlers import Request
from bot.messages import Button, Chart, Field, File, Message, OutboxItem, Receipt, Reply
from bot.ports import PermanentDeliveryError, Platform, PlatformSpec
from bot.render import bars

__all__ = [
    "ARGUMENT", "BOOL", "BUTTON_PREFIX", "BY_NAME", "CATALOG", "CHOICE", "DEBATE", "INT", "SIDE", "TEXT",
    "Actor", "Agenda", "Button", "Chart", "Command", "ConfigError", "Core", "Debate", "Field", "File",
    "Form", "FormField", "FormLimits", "Message", "Option", "OutboxItem", "PermanentDeliveryError",
    "Platform", "PlatformSpec", "Receipt", "Reply", "Request", "Settings", "SpaceRef", "UserError", "bars",
    "clean", "decode_button", "encode_button", "form_for", "parse_duration", "secret", "shorten", "slug", "token_problem",
]
