import pytest

from bot.testing import Harness
from tests.stores import KINDS, fresh_store


@pytest.fixture(params=KINDS)
async def store(request, tmp_path):
    async with fresh_store(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture
async def sqlite_store(tmp_path):
    async with fresh_store("sqlite", tmp_path) as opened:
        yield opened


@pytest.fixture
def harness(store):
    return Harness(store)
