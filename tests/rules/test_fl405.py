"""FL405 cors-wildcard-credentials: flagged, near misses."""

import pytest

from fastlint.testing import lines

HEAD = """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
app = FastAPI()
"""

FLAGGED = [
    pytest.param(HEAD + 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
                 [5], id="literal-wildcard"),
    pytest.param(HEAD + 'ORIGINS = ["https://a.com", "*"]\nCREDS = True\n'
                 "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=ORIGINS,\n"
                 "    allow_credentials=CREDS,\n)\n",
                 [7], id="module-constants-reported-at-the-call"),
    pytest.param(HEAD + 'app.add_middleware(CORSMiddleware, allow_origin_regex="https?://.*", '
                 "allow_credentials=True)\n", [5], id="regex-matching-anything"),
    pytest.param(
        {
            "app/core/config.py": """
                from pydantic_settings import BaseSettings
                class Settings(BaseSettings):
                    cors_origins: list[str] = ["*"]
                settings = Settings()
            """,
            "app/main.py": """
                from fastapi import FastAPI
                from starlette.middleware.cors import CORSMiddleware
                from app.core.config import settings
                app = FastAPI()
                app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                                   allow_credentials=True)
            """,
        },
        [6],
        id="settings-default-across-modules",
    ),
    pytest.param(
        """
        from fastapi import FastAPI
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)]
        app = FastAPI(middleware=middleware)
        """,
        [5],
        id="middleware-list",
    ),
]

NOT_FLAGGED = [
    pytest.param(HEAD + 'app.add_middleware(CORSMiddleware, allow_origins=["https://myapp.com", '
                 '"http://localhost:3000"], allow_credentials=True)\n', id="explicit-origin-list"),
    pytest.param(HEAD + 'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n',
                 id="wildcard-without-credentials"),
    pytest.param(HEAD + 'app.add_middleware(CORSMiddleware, allow_origins=["*"], '
                 "allow_credentials=False)\n", id="credentials-false"),
    pytest.param(HEAD + 'app.add_middleware(CORSMiddleware, '
                 r'allow_origin_regex=r"https://.*\.myapp\.com", allow_credentials=True)' + "\n",
                 id="regex-for-own-subdomains"),
    pytest.param(HEAD + "from app.config import origins\n"
                 "app.add_middleware(CORSMiddleware, allow_origins=origins(), allow_credentials=True)\n",
                 id="origins-not-static"),
    pytest.param(HEAD + "from other import OtherMiddleware\n"
                 'app.add_middleware(OtherMiddleware, allow_origins=["*"], allow_credentials=True)\n',
                 id="another-middleware"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL405") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL405") == []
