"""Fixtures of the API's tests: a worker with a personal token, and a client that sends it."""

import pytest

from learnhub.api import services as api


@pytest.fixture
def token_for():
    """token_for(user, scopes=("record", "learn")) -> the secret of a new personal token."""

    def make(user, scopes=("record", "learn")):
        return api.create_personal_token(user, "测试应用", list(scopes))[1]

    return make


def bearer(secret, **headers):
    return {"Authorization": f"Bearer {secret}", **headers}
