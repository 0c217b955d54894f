"""A fake Slack (Web API + Socket Mode + HTTP event delivery on 127.0.0.1) that the real slack_sdk and
slack-bolt talk to, for tests.

Socket Mode::

    @pytest.fixture
    async def fake(monkeypatch):
        clear_proxy_env(monkeypatch)               # slack_sdk copies HTTPS_PROXY and ignores NO_PROXY
        async with FakeSlack(ack_deadline=3.0, trigger_ttl=0.3) as server:
            yield server

    async def test_something(fake):
        app = bolt_app(fake)                       # AsyncApp(client=fake.web_client(), signing_secret=...)
        ...register listeners...
        async with socket_mode_app(app, fake):     # AsyncSocketModeHandler connected, hello received
            delivery = await fake.slash_command("/debate", "start motion", user="U0ALICE001")
            assert delivery.acked_in_time
            call = await fake.wait_for_call("chat.postMessage")

HTTP mode: ``FakeSlack(mode="http")`` and ``async with http_mode_app(app, fake):`` (sets fake.app_url).

Modules: server (FakeSlack), actions (what members do), payloads (what Slack sends), socket_mode and
http_delivery (the two transports), web_api and methods_* (the Web API), limits (Block Kit limits),
model (the workspace), traffic (recording and waiting), faults (429 / 5xx), client (running Bolt).
"""

from .client import bolt_app, clear_proxy_env, http_mode_app, socket_mode_app
from .faults import Fault
from .http_delivery import sign
from .model import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, Channel, Ephemeral, Message, User, View, World
from .server import HTTP, SOCKET, FakeSlack
from .socket_mode import Connection
from .state import Settings
from .traffic import ApiCall, Delivery, ResponseUrlPost, SocketFrame

__all__ = [
    "FakeSlack", "Settings", "SOCKET", "HTTP", "bolt_app", "clear_proxy_env", "http_mode_app",
    "socket_mode_app", "sign", "Fault", "ApiCall", "Delivery", "ResponseUrlPost", "SocketFrame", "Connection",
    "Channel", "Ephemeral", "Message", "User", "View", "World", "APP_ID", "BOT_ID", "BOT_USER_ID", "TEAM_ID",
]
