"""The HTTP side of the fake: ``/api/<method>`` (auth, faults, dispatch, recording), the upload URL of the
external file upload flow, and the response_url endpoint that slash commands and buttons carry."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from . import methods_chat, methods_read, methods_views_files
from .methods_chat import check_content, store_message
from .model import BOT_USER_ID, Ephemeral
from .state import Method, Params, SlackError, State
from .traffic import ApiCall, ResponseUrlPost

METHODS: dict[str, Method] = {**methods_chat.METHODS, **methods_read.METHODS, **methods_views_files.METHODS}
MAX_RESPONSE_URL_USES = 5  # Slack: up to 5 responses per response_url, within 30 minutes


async def read_params(request: web.Request) -> tuple[dict[str, Any], str]:
    """Query string merged with the body, however it was encoded (Slack accepts form and JSON)."""
    params: dict[str, Any] = dict(request.query)
    kind = "query"
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
            kind = "json"
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                params[key] = getattr(value, "filename", value)  # a file part is recorded by name
            kind = "form" if request.content_type.endswith("urlencoded") else "multipart"
    return params, kind


def find_token(request: web.Request, params: dict[str, Any], kind: str) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    # A `token` argument works only form-encoded or in the query: Slack ignores it inside a JSON body
    token = params.pop("token", None)
    return request.query.get("token") if kind == "json" else token


def authorize(state: State, method: Method, token: str | None) -> None:
    settings = state.settings
    if not token:
        raise SlackError("not_authed")
    kinds = {settings.bot_token: "bot", settings.app_token: "app"}
    if token not in kinds:
        raise SlackError("invalid_auth")
    if kinds[token] != method.token:
        raise SlackError("not_allowed_token_type")
    if method.scope and kinds[token] == "bot" and method.scope not in settings.scopes:
        raise SlackError("missing_scope", needed=method.scope,
                         provided=",".join(sorted(settings.scopes)))


class WebApi:
    def __init__(self, state: State) -> None:
        self.state = state

    def register(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/api/{method}", self.handle_api)
        router.add_post("/upload/v1/{file_id}", self.handle_upload)
        router.add_post("/response/{url_id}", self.handle_response_url)

    async def handle_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        raw, kind = await read_params(request)
        token = find_token(request, raw, kind)
        params = Params(raw)
        status, body, headers, fault = 200, {}, {}, None
        injected = self.state.faults.take(name, params.get("channel"))
        limited = None if injected else self.state.limits.retry_after(name, params.get("channel"))
        if injected is not None and injected.lose_answer:
            body = self._dispatch(name, token, params)
            fault = "lost_answer"
        elif injected is not None:
            status, body, headers = injected.answer()
            fault = injected.name
        elif limited is not None:
            status, body, headers = 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(limited)}
            fault = "ratelimited"
        else:
            body = self._dispatch(name, token, params)
        self.state.traffic.calls.append(ApiCall(
            method=name, params=dict(params), headers=dict(request.headers), token=token, body_kind=kind,
            status=status, response=body, fault=fault, warnings=tuple(params.warnings)))
        if self.state.settings.answer_delay:  # done, not yet answered: a crash now leaves it unknown
            await asyncio.sleep(self.state.settings.answer_delay)
        if fault == "lost_answer":
            request.transport.close()  # type: ignore[union-attr]
        return web.json_response(body, status=status, headers=headers)

    def _dispatch(self, name: str, token: str | None, params: Params) -> dict[str, Any]:
        method = METHODS.get(name)
        try:
            if method is None:
                raise SlackError("unknown_method", req_method=name)
            authorize(self.state, method, token)
            return method.handler(self.state, params)
        except SlackError as error:
            return error.body()

    async def handle_upload(self, request: web.Request) -> web.Response:
        """Step 2 of the external upload: raw bytes (or a multipart `file`) to the URL step 1 returned."""
        upload = self.state.world.files.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="file_not_found")
        if request.content_type == "multipart/form-data":
            part = (await request.post()).get("file")
            data = part.file.read() if hasattr(part, "file") else str(part or "").encode()
        else:
            data = await request.read()
        upload.data = data
        # Slack answers in text/plain; slack_sdk reads that content type as text, not JSON
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    async def handle_response_url(self, request: web.Request) -> web.Response:
        url = self.state.world.response_urls.get(request.match_info["url_id"])
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {}
        status, answer = 200, "ok"
        if url is None:
            status, answer = 404, "no_service"
        elif url.uses >= MAX_RESPONSE_URL_USES:
            status, answer = 404, "used_url"
        else:
            url.uses += 1
            try:
                self._apply_response(url, body)
            except SlackError as error:
                status, answer = 400, error.error
        self.state.traffic.responses.append(ResponseUrlPost(request.match_info["url_id"], body, status, answer))
        return web.Response(status=status, text=answer, content_type="text/plain")

    def _apply_response(self, url: Any, body: dict[str, Any]) -> None:
        """What Slack does with a response_url post: replace or delete the source message, post in the
        channel (`response_type: in_channel`), or show an ephemeral message to the member."""
        world = self.state.world
        channel = world.channels[url.channel]
        source = channel.find(url.message_ts) if url.message_ts else None
        if body.get("delete_original") and source is not None:
            channel.messages.remove(source)
            return
        text, blocks = body.get("text") or "", body.get("blocks")
        check_content(text, blocks)
        if body.get("replace_original") and source is not None:
            source.text, source.blocks, source.edited_ts = text, blocks, world.ts.next()
        elif body.get("response_type") == "in_channel":
            # A response_url threads nothing by itself, even for a click inside a thread: only a
            # `thread_ts` in the body puts the answer there (else it lands at the channel's root)
            store_message(world, channel, user=BOT_USER_ID, text=text, blocks=blocks,
                          thread_ts=body.get("thread_ts"))
        else:
            world.ephemerals.append(Ephemeral(channel.id, url.user, text, blocks, "response_url",
                                              thread_ts=body.get("thread_ts")))
