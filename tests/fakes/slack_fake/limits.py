"""Slack's documented size limits for messages, Block Kit and modals, checked the way the Web API does.

Each check returns a list of problems shaped like Slack's own ("must be less than 3001 characters
[json-pointer:/blocks/0/text/text]"), so an adapter that logs `response_metadata.messages` shows the
same thing it would against real Slack. An empty list means valid.
"""

from __future__ import annotations

from typing import Any

MAX_TEXT = 40_000          # chat.postMessage `text`; longer is msg_too_long
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_TEXT = 3_000
SECTION_FIELDS, FIELD_TEXT = 10, 2_000
HEADER_TEXT = 150
MARKDOWN_BLOCK_TEXT = 12_000
BLOCK_ID = ACTION_ID = 255
BUTTON_TEXT, BUTTON_VALUE, BUTTON_URL = 75, 2_000, 3_000
ACTIONS_ELEMENTS, CONTEXT_ELEMENTS = 25, 10
INPUT_LABEL = INPUT_HINT = 2_000
PLACEHOLDER = 150
OPTION_TEXT, OPTION_VALUE, MAX_OPTIONS = 75, 150, 100
VIEW_TITLE = VIEW_BUTTON = 24
PRIVATE_METADATA = 3_000
CALLBACK_ID = 255

KNOWN_BLOCKS = {"section", "divider", "image", "actions", "context", "input", "header", "rich_text",
                "markdown", "file", "video", "context_actions", "table"}
ELEMENT_TEXT_LIMITS = {"button": BUTTON_TEXT}


class Problems(list):
    """Collects problems with their json-pointer, in Slack's wording."""

    def too_long(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.append(f"must be less than {limit + 1} characters [json-pointer:{pointer}]")

    def too_many(self, items: Any, limit: int, pointer: str) -> None:
        if isinstance(items, list) and len(items) > limit:
            self.append(f"must contain less than {limit + 1} items [json-pointer:{pointer}]")

    def add(self, what: str, pointer: str) -> None:
        self.append(f"{what} [json-pointer:{pointer}]")


def check_text_object(obj: Any, limit: int, pointer: str, problems: Problems, plain_only: bool = False) -> None:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        problems.add("must be a text object (plain_text or mrkdwn)", pointer)
        return
    if plain_only and obj["type"] != "plain_text":
        problems.add("must be a plain_text object", pointer + "/type")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        problems.add("must be more than 0 characters", pointer + "/text")
    problems.too_long(text, limit, pointer + "/text")


def check_options(options: Any, pointer: str, problems: Problems) -> None:
    problems.too_many(options, MAX_OPTIONS, pointer)
    for i, option in enumerate(options or []):
        check_text_object(option.get("text"), OPTION_TEXT, f"{pointer}/{i}/text", problems)
        problems.too_long(option.get("value"), OPTION_VALUE, f"{pointer}/{i}/value")


def check_element(element: Any, pointer: str, problems: Problems) -> None:
    """An interactive element (button, select, input ...): its action_id and per-type limits."""
    if not isinstance(element, dict) or "type" not in element:
        problems.add("must be an element object", pointer)
        return
    kind = element["type"]
    problems.too_long(element.get("action_id"), ACTION_ID, pointer + "/action_id")
    if kind == "button":
        check_text_object(element.get("text"), BUTTON_TEXT, pointer + "/text", problems, plain_only=True)
        problems.too_long(element.get("value"), BUTTON_VALUE, pointer + "/value")
        problems.too_long(element.get("url"), BUTTON_URL, pointer + "/url")
        if element.get("style") not in (None, "primary", "danger"):
            problems.add("must be primary or danger", pointer + "/style")
    if "placeholder" in element:
        check_text_object(element["placeholder"], PLACEHOLDER, pointer + "/placeholder", problems, True)
    if "options" in element:
        check_options(element["options"], pointer + "/options", problems)
    if kind == "overflow" and not 2 <= len(element.get("options") or []) <= 5:
        problems.add("must contain between 2 and 5 options", pointer + "/options")


def _check_unique_action_ids(elements: list[Any], pointer: str, problems: Problems) -> None:
    seen: set[str] = set()
    for i, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id is not None and action_id in seen:
            problems.add(f"duplicate action_id {action_id!r}", f"{pointer}/{i}/action_id")
        seen.add(action_id)


def check_block(block: Any, pointer: str, problems: Problems) -> None:
    if not isinstance(block, dict) or block.get("type") not in KNOWN_BLOCKS:
        problems.add(f"unsupported block type {block.get('type') if isinstance(block, dict) else block!r}",
                     pointer + "/type")
        return
    kind = block["type"]
    problems.too_long(block.get("block_id"), BLOCK_ID, pointer + "/block_id")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            problems.add("must provide either text or fields", pointer)
        if "text" in block:
            check_text_object(block["text"], SECTION_TEXT, pointer + "/text", problems)
        problems.too_many(block.get("fields"), SECTION_FIELDS, pointer + "/fields")
        for i, text in enumerate(block.get("fields") or []):
            check_text_object(text, FIELD_TEXT, f"{pointer}/fields/{i}", problems)
        if "accessory" in block:
            check_element(block["accessory"], pointer + "/accessory", problems)
    elif kind == "header":
        check_text_object(block.get("text"), HEADER_TEXT, pointer + "/text", problems, plain_only=True)
    elif kind == "markdown":
        problems.too_long(block.get("text"), MARKDOWN_BLOCK_TEXT, pointer + "/text")
    elif kind in ("actions", "context"):
        elements = block.get("elements") or []
        if not elements:
            problems.add("must contain at least 1 item", pointer + "/elements")
        problems.too_many(elements, ACTIONS_ELEMENTS if kind == "actions" else CONTEXT_ELEMENTS,
                          pointer + "/elements")
        for i, element in enumerate(elements):
            if kind == "actions":
                check_element(element, f"{pointer}/elements/{i}", problems)
            elif isinstance(element, dict) and element.get("type") in ("plain_text", "mrkdwn"):
                check_text_object(element, SECTION_TEXT, f"{pointer}/elements/{i}", problems)
        if kind == "actions":
            _check_unique_action_ids(elements, pointer + "/elements", problems)
    elif kind == "input":
        check_text_object(block.get("label"), INPUT_LABEL, pointer + "/label", problems, plain_only=True)
        if "hint" in block:
            check_text_object(block["hint"], INPUT_HINT, pointer + "/hint", problems, plain_only=True)
        check_element(block.get("element"), pointer + "/element", problems)


def check_blocks(blocks: Any, max_blocks: int, pointer: str = "/blocks") -> list[str]:
    """All problems of a block list: count, unique block_ids, and every block's own limits."""
    problems = Problems()
    if not isinstance(blocks, list):
        problems.add("must be an array", pointer)
        return problems
    problems.too_many(blocks, max_blocks, pointer)
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        check_block(block, f"{pointer}/{i}", problems)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if block_id is not None and block_id in seen:
            problems.add(f"duplicate block_id {block_id!r}", f"{pointer}/{i}/block_id")
        seen.add(block_id)
    return problems


def check_view(view: Any) -> list[str]:
    """views.open / views.update / views.push: the modal's own fields plus its blocks."""
    problems = Problems()
    if not isinstance(view, dict):
        problems.add("must be a view object", "/view")
        return problems
    if view.get("type") not in ("modal", "home"):
        problems.add("must be modal or home", "/view/type")
    if view.get("type") == "modal":
        check_text_object(view.get("title"), VIEW_TITLE, "/view/title", problems, plain_only=True)
        for button in ("submit", "close"):
            if button in view:
                check_text_object(view[button], VIEW_BUTTON, f"/view/{button}", problems, plain_only=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            problems.add("a modal with input blocks must have a submit button", "/view/submit")
    problems.too_long(view.get("private_metadata"), PRIVATE_METADATA, "/view/private_metadata")
    problems.too_long(view.get("callback_id"), CALLBACK_ID, "/view/callback_id")
    problems.extend(check_blocks(view.get("blocks", []), MAX_VIEW_BLOCKS, "/view/blocks"))
    return problems
