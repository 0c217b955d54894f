"""A fake OpenAI-compatible chat completions server on 127.0.0.1, which the real ``openai`` SDK calls.

    async with FakeOpenAI() as fake:
        fake.answers.append('{"points": [...]}')          # the next completion's content
        fake.answers.append(Slow('{"points": []}', 5.0))  # answered only after 5 s
        ... settings.summary.base_url = fake.base_url ...
        fake.requests  # every request body received, in order

With no scripted answer left it answers "{}" (no points). Only what the engine uses is implemented:
``POST /v1/chat/completions`` with model, messages, max_tokens and temperature.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

from aiohttp import web


@dataclass(frozen=True)
class Slow:
    content: str
    seconds: float


@dataclass(frozen=True)
class Cut:
    """An answer stopped at the token limit (finish_reason "length")."""

    content: str


@dataclass
class FakeOpenAI:
    answers: list[object] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def __aenter__(self) -> "FakeOpenAI":
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._complete)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        await self._runner.cleanup()

    async def _complete(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        answer = self.answers.pop(0) if self.answers else "{}"
        finish = "stop"
        if isinstance(answer, Slow):
            await asyncio.sleep(answer.seconds)
            answer = answer.content
        elif isinstance(answer, Cut):
            answer, finish = answer.content, "length"
        return web.json_response(_completion(body.get("model", ""), str(answer), finish))


_ids = itertools.count(1)


def _completion(model: str, content: str, finish: str) -> dict:
    return {
        "id": f"chatcmpl-fake-{next(_ids)}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
