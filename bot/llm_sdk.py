"""The LLM steelman's calls to a model, through the providers' official SDKs (extra ``[llm]``).

``openai``: any OpenAI-compatible endpoint (hosted, Ollama, vLLM, llama.cpp) by ``base_url``; ``anthropic``:
Anthropic's Messages API. Each call has the configured timeout and token limit and no silent retries (the
engine decides what to retry). Whatever goes wrong becomes ``Unavailable`` with a reason members can read.
"""

from __future__ import annotations

from bot.config import SummarySettings
from bot.config_file import secret
from bot.steelman.llm import Complete, Unavailable


def complete_for(cfg: SummarySettings) -> Complete:
    """The provider's call, built once (its client keeps a connection pool)."""
    key = secret(cfg.api_key_env)
    if cfg.provider == "anthropic":
        return _anthropic(cfg, key)
    return _openai(cfg, key)


def _openai(cfg: SummarySettings, key: str | None) -> Complete:
    import openai

    # Local servers take any key; the SDK refuses to start without one.
    client = openai.AsyncOpenAI(
        base_url=cfg.base_url, api_key=key or "not-needed", timeout=cfg.timeout, max_retries=0
    )

    async def complete(system: str, user: str) -> str:
        try:
            reply = await client.chat.completions.create(
                model=cfg.model,
                max_tokens=cfg.max_tokens,
                temperature=0,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
            )
        except openai.APITimeoutError:
            raise Unavailable(f"the model did not answer within {cfg.timeout:g} s") from None
        except openai.OpenAIError as exc:
            raise Unavailable(f"the model's service failed ({type(exc).__name__})") from None
        choice = reply.choices[0] if reply.choices else None
        if choice is None or choice.finish_reason == "length":
            raise Unavailable(f"the answer was cut off at the {cfg.max_tokens}-token limit")
        return choice.message.content or ""

    return complete


def _anthropic(cfg: SummarySettings, key: str | None) -> Complete:
    import anthropic

    client = anthropic.AsyncAnthropic(
        api_key=key, base_url=cfg.base_url, timeout=cfg.timeout, max_retries=0
    )

    async def complete(system: str, user: str) -> str:
        try:
            reply = await client.messages.create(
                model=cfg.model,
                max_tokens=cfg.max_tokens,
                system=system,
                temperature=0,
                messages=[{"role": "user", "content": user}],
            )
        except anthropic.APITimeoutError:
            raise Unavailable(f"the model did not answer within {cfg.timeout:g} s") from None
        except anthropic.AnthropicError as exc:
            raise Unavailable(f"the model's service failed ({type(exc).__name__})") from None
        if reply.stop_reason == "max_tokens":
            raise Unavailable(f"the answer was cut off at the {cfg.max_tokens}-token limit")
        return "".join(block.text for block in reply.content if block.type == "text")

    return complete
