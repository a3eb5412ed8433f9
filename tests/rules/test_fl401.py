"""FL401 hardcoded-secret: flagged, near misses, and the secret never printed in full."""

import io
import json

import pytest

from fastlint.reporters import RenderSettings, renderer
from fastlint.testing import lines, run

FLAGGED = [
    pytest.param('SECRET_KEY = "sk_live_4f9a8b7c6d5e"\n', [1], id="module-constant"),
    pytest.param('apiToken: str = "tok-83hf92hf"\n', [1], id="camel-case-annotated"),
    pytest.param('config.client_secret = "abcd-1234-efgh"\n', [1], id="attribute"),
    pytest.param('config["db_password"] = "hunter22"\n', [1], id="subscript"),
    pytest.param('client.login(user="bob", password="hunter22")\n', [1], id="keyword"),
    pytest.param('HEADERS = {"x-api-key": "a8f7e6d5c4b3"}\n', [1], id="dict-key-header"),
    pytest.param(
        """
        from pydantic import Field, SecretStr
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            signing_key: str = "0a1b2c3d4e5f"
            private_key: SecretStr = SecretStr("MIIEvQIBADANBgkqhkiG9w0B")
            access_key: str = Field(default="AKIA1234567890")
        """,
        [6, 7, 8],
        id="settings-field-defaults",
    ),
    pytest.param('DSN = "postgresql://app:s3cr3t@db.internal:5432/app"\n', [1], id="dsn-password"),
    pytest.param('engine = create_engine("mysql+pymysql://root:rootpw@localhost/db")\n', [1],
                 id="dsn-password-in-call"),
    pytest.param('URL = f"redis://default:r3disPass@{HOST}:6379"\n', [1], id="dsn-in-fstring"),
    pytest.param('class Settings(BaseSettings):\n    SECRET: str = "super secret jwt secret"\n', [2],
                 id="settings-default-passphrase"),
    pytest.param('ENCRYPTION_LOCAL_KEY = "super secret encryption key"\n', [1],
                 id="encryption-key-named-anywhere-before-key"),
    pytest.param('_DEFAULT_PASSWORD = "MyPassword"\n', [1], id="name-like-but-camel-case"),
    pytest.param('ADMIN_PASSWORD = "password123"\nDB_PASSWORD = "Password1!"\n'
                 'ROOT_PASSWORD = "change me"\nJWT_SECRET = "super-secret"\n', [1, 2, 3, 4],
                 id="weak-passwords"),
    pytest.param('login(password="password123")\n', [1], id="weak-password-keyword"),
    pytest.param('SECRET_KEY = "secret"\n', [1], id="one-word-secret-is-a-value"),
]

NOT_FLAGGED = [
    pytest.param('token_type = "bearer"\n', id="token_type"),
    pytest.param('oauth2 = OAuth2PasswordBearer(tokenUrl="auth/token")\n', id="tokenUrl"),
    pytest.param('client_id = "my-client-app"\n', id="client_id"),
    pytest.param('SECRET_KEY = ""\n', id="empty-default"),
    pytest.param('DATABASE_URL = "postgresql://app@db.internal/app"\n', id="dsn-without-password"),
    pytest.param('DSN = "postgresql://app:${DB_PASSWORD}@db/app"\n', id="dsn-env-placeholder"),
    pytest.param('DSN = f"postgresql://{user}:{password}@{host}/app"\n', id="dsn-interpolated"),
    pytest.param(
        '"""Connect with a URL like postgresql://user:password@localhost/db."""\n',
        id="dsn-in-docstring",
    ),
    pytest.param('import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n', id="from-environment"),
    pytest.param('api_key = "os.environ/OPENAI_API_KEY"\n', id="litellm-env-reference"),
    pytest.param('API_KEY_ENV = "OPENAI_API_KEY"\nopenai_api_key = "OPENAI_API_KEY"\n',
                 id="env-variable-name"),
    pytest.param('hashed_password = "$2b$12$abcdefghijklmnop"\n', id="hash-not-secret"),
    pytest.param('PRIVATE_KEY_PATH = "/etc/keys/private.pem"\n', id="key-path"),
    pytest.param('PASSWORD = "password"\nCOOKIE_NAME_TOKEN = "access_token"\n', id="names-itself"),
    pytest.param('API_KEY_HEADER = "X-API-Key"\napi_key = "x-api-key"\n', id="header-names"),
    pytest.param('INVALID_TOKEN = "Your session has expired."\n', id="prose-message"),
    pytest.param('api_key = "audio.stt.openai.api_key"\n', id="dotted-config-key"),
    pytest.param('api_key = "xxxxxxxxxxxx"\n', id="filler"),
    pytest.param('order = {"api_key": "asc"}\n', id="sort-order"),
    pytest.param('special = {"eos_token": "</s>", "pad_token": "stop"}\n', id="tokenizer-tokens"),
    pytest.param('register(client_secret="dummy")\n', id="announced-dummy"),
    pytest.param('connect(auth_method=AuthMethod.LDAP, password="LDAP")\n'
                 'CONF = {"auth": AuthMethod.OAUTH, "password": "OAUTH"}\n', id="enum-member-marker"),
    pytest.param('COOKIE_NAME_TOKEN = "_token"\nTOKEN_HEADER_KEY = "authorization"\n',
                 id="constants-that-name-a-cookie-or-header"),
    pytest.param('ACCESS_TOKEN = "access_token"\n', id="constant-naming-its-key"),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL401") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL401") == []


def test_docs_examples_are_exempt():
    files = {"docs/example.py": 'client = Client(api_key="sk_live_4f9a8b7c6d5e")\n'}
    assert lines(files, "FL401") == []


def test_signing_keys_rank_above_service_passwords():
    result, _ = run('SECRET_KEY = "sk_live_4f9a8b7c6d5e"\nDB_PASSWORD = "hunter22x"\n', ("FL401",))
    out = io.StringIO()
    renderer("json")(result, out, RenderSettings(output_format="json"))
    severities = {item["location"]["row"]: item["severity"] for item in json.loads(out.getvalue())}
    assert severities == {1: "error", 2: "warning"}


def test_tests_are_exempt():
    assert lines({"tests/test_login.py": 'login(password="hunter22")\n'}, "FL401") == []


def test_message_names_the_secret_and_masks_it():
    result, _ = run('STRIPE_SECRET_KEY = "sk_live_4f9a8b7c6d5e"\n', ("FL401",))
    (diagnostic,) = result.diagnostics
    assert "`STRIPE_SECRET_KEY`" in diagnostic.message
    assert '"sk_l…"' in diagnostic.message


def test_dsn_message_masks_the_password():
    result, _ = run('DSN = "postgresql://app:s3cr3t-pw@db:5432/app"\n', ("FL401",))
    (diagnostic,) = result.diagnostics
    assert "postgresql://app:s3…@db:5432" in diagnostic.message


SECRETS = {
    "SECRET_KEY": "sk_live_4f9a8b7c6d5e",
    "password": "hunter2-prod-pw",
    "dsn": "s3cr3t-db-password",
}
SECRET_SOURCE = f'''
SECRET_KEY = "{SECRETS["SECRET_KEY"]}"
login(user="bob", password="{SECRETS["password"]}")
DSN = "postgresql://app:{SECRETS["dsn"]}@db/app"
both = {{"password": "{SECRETS["password"]}", "api_key": "{SECRETS["SECRET_KEY"]}"}}
'''


@pytest.mark.parametrize("output_format", ["full", "concise", "json"])
def test_secret_never_appears_in_any_output_format(output_format, tmp_path, monkeypatch):
    (tmp_path / "app.py").write_text(SECRET_SOURCE, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from fastlint.engine import RunOptions, run_check

    result = run_check([tmp_path], RunOptions(select=("FL401", "FL402"), jobs=1))
    assert len(result.diagnostics) == 5
    stream = io.StringIO()
    renderer(output_format)(result, stream, RenderSettings(output_format=output_format))
    output = stream.getvalue()
    if output_format == "json":
        json.loads(output)
    for secret in SECRETS.values():
        assert secret not in output
    assert "sk_l…" in output


@pytest.mark.parametrize("source", [
    pytest.param('from enum import Enum\nclass Grant(str, Enum):\n    OAUTH_PASSWORD = "password"\n'
                 '    OAUTH2_TOKEN = "oauth2-token"\n    CREATED_SECRET = "Secret created"\n',
                 id="enum-members-are-labels"),
    pytest.param('ENV = {"user": "PGUSER", "password": "PGPASSWORD"}\n', id="env-variable-name-in-caps"),
    pytest.param('client = OpenAI(api_key="EMPTY")\n', id="vllm-empty-key"),
    pytest.param('_WEBHOOK_SECRET_VALUE_KEY = "secret"\n', id="a-dict-key-named-key"),
    pytest.param('PLACEHOLDER_API_KEY = "fake-api-key"\nRESOURCE_MY_PASSWORD = "My Password"\n'
                 'client(api_key="my-fake-api-key", access_token="mock-oauth-token-for-local-dev")\n',
                 id="placeholders-by-name-or-by-value"),
    pytest.param('deny(token="failed-to-connect-to-db")\nAuth(api_key="byok_session_cookie")\n',
                 id="sentinel-phrases-and-names"),
    pytest.param('from pydantic import Field\n'
                 'key: str = Field(examples=["sk-1234567890", {"password": "s3cr3t"}])\n'
                 'RESPONSES = {200: {"content": {"application/json": {"example": {"access_token": "eyJ0eXAiOiJKV1Qi"}}}}}\n'
                 'def example_payload():\n    return [{"token": "quick", "label": "adj"}]\n',
                 id="examples"),
    pytest.param('UNATTRIBUTED_API_KEY = "unattributed"\n'
                 'class LemonadeChatConfig:\n    _DEFAULT_API_KEY = "lemonade"\n',
                 id="a-key-whose-value-is-a-word-of-its-name-or-class"),
    pytest.param('AMPLITUDE_API_KEY = "c97dd2acbf306ab7bf54aca0aeb7ffa1"\nMIXPANEL_TOKEN = "3f9a8b7c6d5e4f"\n'
                 'stripe_api_key = "pk_live_51HxYzAbCdEf"\nPOSTHOG_API_KEY = "phc_4f9a8b7c6d5e3f2a"\n',
                 id="keys-public-by-design"),
    pytest.param('def mock_completion(logging):\n    logging.post_call(api_key="my-secret-key")\n'
                 'client = openai.OpenAI(api_key="My API Key", base_url=api_base)\n',
                 id="a-mock-and-a-key-that-spells-its-kind"),
])
def test_labels_of_real_projects_are_not_secrets(source):
    assert lines(source, "FL401") == []


def test_near_misses_of_placeholders_sentinels_and_examples_are_still_secrets():
    source = ('SECRET_KEY = "my-super-secret-key"\n'  # a tell beats the phrase length
              'client(api_key="sk-live-4f9a8b7c")\n'
              'EXAMPLES_DIR = "/x"\nDB_PASSWORD = "s3cr3t-pass"\n'  # an example nearby, not around it
              'def build():\n    return {"password": "hunter22", "example": "x"}\n')
    assert lines(source, "FL401") == [1, 2, 4, 6]


def test_a_class_that_is_not_an_enum_still_has_secrets():
    assert lines('class Config:\n    ADMIN_PASSWORD = "Sup3rS3cret!"\n', "FL401") == [2]


def test_near_misses_of_word_sentinels_public_keys_and_kind_placeholders_are_still_secrets():
    source = ('UNATTRIBUTED_API_KEY = "unattributed"\nBILLING_API_KEY = "sk-live-4f9a8b7c"\n'
              'DEFAULT_API_KEY = "default"\nSERVICE_PASSWORD = "service"\n'
              'class LemonadeConfig:\n    SECRET_KEY = "lemonade"\n'
              'AMPLITUDE_SECRET_KEY = "c97dd2acbf306ab7"\nstripe_api_key = "sk_live_51HxYzAbCdEf"\n'
              'POSTHOG_API_KEY = "phx_4f9a8b7c6d5e3f2a"\n'
              'def completion(logging):\n    logging.post_call(api_key="sk-83hf92hf0a")\n'
              'API_KEY = "my-api-key"\nclient.login(password="my password")\n')
    assert lines(source, "FL401") == [2, 3, 4, 6, 7, 8, 9, 11, 12, 13]
