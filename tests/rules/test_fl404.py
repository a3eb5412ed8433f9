"""FL404 env-outside-settings: flagged, near misses."""

import pytest

from fastlint.testing import lines

FLAGGED = [
    pytest.param(
        """
        import os
        A = os.environ["A"]
        B = os.environ.get("B")
        C = os.getenv("C", "x")
        """,
        [3, 4, 5],
        id="three-ways",
    ),
    pytest.param(
        """
        from os import environ, getenv
        import os as operating_system

        def f():
            return environ["A"], getenv("B"), operating_system.environ.get("C")
        """,
        [6, 6, 6],
        id="imported-names-and-alias",
    ),
    pytest.param(
        """
        import os

        class Config:
            DATABASE_URL = os.getenv("DATABASE_URL")
        """,
        [5],
        id="plain-config-class-is-not-settings",
    ),
]

NOT_FLAGGED = [
    pytest.param(
        """
        import os
        from pydantic_settings import BaseSettings

        WORKERS = int(os.getenv("WEB_CONCURRENCY", "1"))

        class Settings(BaseSettings):
            debug: bool = os.environ.get("DEBUG") == "1"
        """,
        id="settings-module",
    ),
    pytest.param(
        """
        import os
        from app.core.base import AppSettings

        class Settings(AppSettings):
            home: str = os.environ["HOME"]
        """,
        id="subclass-of-project-settings-base",
    ),
    pytest.param(
        """
        import os
        from pydantic_settings import EnvSettingsSource

        class ProfileSource(EnvSettingsSource):
            def profile(self):
                return os.environ.get("APP_PROFILE", "default")
        """,
        id="custom-settings-source",
    ),
    pytest.param(
        """
        import os
        os.environ["TZ"] = "UTC"
        del os.environ["TMP"]
        """,
        id="writes-are-not-reads",
    ),
    pytest.param(
        """
        def f(environ):
            return environ["A"], environ.get("B")
        """,
        id="a-parameter-named-environ",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FLAGGED)
def test_flagged(source, expected):
    assert lines(source, "FL404") == expected


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_not_flagged(source):
    assert lines(source, "FL404") == []


def test_tests_are_exempt():
    assert lines({"tests/conftest.py": 'import os\nX = os.environ["X"]\n'}, "FL404") == []


def test_settings_modules_option():
    files = {"app/config.py": 'import os\nX = os.environ["X"]\n',
             "app/other.py": 'import os\nY = os.environ["Y"]\n'}
    pyproject = '[tool.fastlint]\nsettings-modules = ["app.config"]\n'
    assert lines(files, "FL404", pyproject=pyproject) == [2]


def test_settings_module_state_does_not_leak_into_the_next_file():
    files = {"app/a_settings.py": "import os\nfrom pydantic_settings import BaseSettings\n"
                                  "class S(BaseSettings):\n    x: str = os.environ['X']\n",
             "app/b_plain.py": 'import os\nY = os.environ["Y"]\n'}
    assert lines(files, "FL404") == [2]


@pytest.mark.parametrize(("files", "path"), [
    pytest.param({"app/config.py": "from starlette.config import Config\nconfig = Config('.env')\n"
                  "import os\nDEBUG = os.getenv('DEBUG')\n"}, "app/config.py",
                 id="starlette-config-module"),
    pytest.param({"app/core/env.py": "import os\nX = os.environ['X']\n"}, "app/core/env.py",
                 id="module-named-env"),
    pytest.param({"app/core/settings.py": "import os\nX = os.environ.get('X')\n"},
                 "app/core/settings.py", id="module-named-settings"),
    pytest.param({"app/vault.py": "import os\nfrom environs import Env\nenv = Env()\n"
                  "X = os.environ['X']\n"}, "app/vault.py", id="environs-loader"),
])
def test_other_settings_mechanisms_may_read_the_environment(files, path):
    assert lines(files, "FL404") == []


def test_a_module_that_only_imports_starlette_config_is_not_a_settings_module():
    files = {"app/mail.py": "import os\nfrom starlette.config import Config\nX = os.getenv('X')\n"}
    assert lines(files, "FL404") == [3]


NOT_CONFIGURATION = [
    pytest.param(
        """
        import argparse, os

        def main():
            parser = argparse.ArgumentParser()
            parser.add_argument("--host", default=os.getenv("APP_HOST"))

        if __name__ == "__main__":
            main()
        """,
        id="cli-defaults-in-main",
    ),
    pytest.param(
        """
        import os

        def with_token(token):
            previous = os.environ.get("SERVICE_TOKEN")
            os.environ["SERVICE_TOKEN"] = token
            return previous
        """,
        id="save-and-restore",
    ),
    pytest.param(
        """
        import os

        def with_proxy(url):
            previous = os.environ.get("HTTPS_PROXY")
            os.environ.update(HTTPS_PROXY=url)
            try:
                return fetch()
            finally:
                os.environ . pop("HTTPS_PROXY")
        """,
        id="save-and-restore-with-update-and-pop",
    ),
    pytest.param(
        """
        import os

        def env_flag(name: str) -> bool:
            return os.getenv(name, "").lower() == "true"
        """,
        id="helper-reading-the-callers-variable",
    ),
    pytest.param('import os\nhome = os.environ["HOME"]\nhost = os.getenv("DD_AGENT_HOST")\n',
                 id="platform-variables"),
    pytest.param(
        """
        import os

        class Guardrail:
            def __init__(self, api_key=None, api_base=None, mode=None, region=None):
                self.api_key = api_key or os.environ.get("GUARD_API_KEY")
                self.api_base = api_base or int(os.getenv("GUARD_PORT")) or "https://x"
                self.mode = os.environ["GUARD_MODE"] if mode is None else mode
                if not region:
                    region = os.getenv("GUARD_REGION")
        """,
        id="a-parameter-the-caller-left-out",
    ),
    pytest.param(
        """
        import os

        class Exporter:
            def __init__(self, api_key=None):
                self.api_key = api_key

            @classmethod
            def from_env(cls):
                return cls(api_key=os.getenv("EXPORTER_API_KEY"))

        def destination(overrides: dict, options):
            return {"key": overrides.get("key") or os.getenv("DEST_KEY"),
                    "region": options["region"] or os.getenv("DEST_REGION"),
                    "term": os.getenv("ITERM_PROFILE")}
        """,
        id="from-env-factories-values-passed-inside-a-parameter-and-terminal-variables",
    ),
    pytest.param(
        """
        import os

        def create_batch(custom_llm_provider, *args, **kwargs):
            optional_params = Params.model_validate(kwargs)
            params: dict = build(*args)
            api_base = optional_params.api_base or litellm.api_base or os.getenv("OPENAI_API_BASE")
            protocol = kwargs.get("protocol") or os.environ.get("REALTIME_PROTOCOL")
            return params.get("org") or os.getenv("OPENAI_ORGANIZATION")
        """,
        id="options-the-caller-passed-in-bulk",
    ),
    pytest.param(
        """
        import os

        def complete_ollama(ctx):
            api_key = ctx.api_key
            api_key = api_key or litellm.ollama_key or os.environ.get("OLLAMA_API_KEY")
            return api_key

        def count_tokens(deployment=None):
            deployment = deployment or {}
            litellm_params = deployment.get("litellm_params", {})
            return litellm_params.get("api_base") or os.getenv("AZURE_AI_API_BASE")

        def auth_token(host, client=None):
            if client is None:
                boto_client = make_client(region=os.getenv("AWS_REGION_NAME"))
            else:
                boto_client = client
            return boto_client.token(host)
        """,
        id="a-value-taken-out-of-a-parameter",
    ),
    pytest.param(
        """
        import os

        VAR_PREFIX = "AIRFLOW_VAR_"

        class EnvironmentVariablesBackend:
            def get_variable(self, key: str, team: str | None = None):
                if team:
                    return os.environ.get(f"{VAR_PREFIX}_{team.upper()}___" + key.upper())
                return os.environ.get(VAR_PREFIX + key.upper())
        """,
        id="a-variable-name-built-from-the-callers-key",
    ),
    pytest.param(
        """
        import os

        class Blocks:
            def __init__(self, root_path=None):
                if root_path is None:
                    self.root_path = os.environ.get("APP_ROOT_PATH", "")
                else:
                    self.root_path = root_path

        MULTIPROC = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        LOCALE = (os.getenv("LANG"), os.getenv("LC_ALL"), os.getenv("TERM_PROGRAM"))
        HAS_SCREEN = os.getenv("DISPLAY") or os.getenv("WAYLAND_DISPLAY")
        CI_TOKEN = os.getenv("CIRCLE_OIDC_TOKEN")
        WORKLOAD = (os.getenv("AZURE_CLIENT_ID"), os.getenv("AZURE_TENANT_ID"),
                    os.getenv("AZURE_FEDERATED_TOKEN_FILE"))
        """,
        id="kept-on-the-object-in-place-of-a-parameter-and-variables-other-tools-set",
    ),
    pytest.param(
        """
        import os

        def can_open_browser():
            if os.environ.get("BROWSER"):
                return True
            return not (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))

        def terminal():
            return os.getenv("WT_SESSION") or os.getenv("VTE_VERSION") or os.getenv("KONSOLE_VERSION")

        ON_SPACES = os.getenv("SPACE_ID") is not None or os.getenv("SPACES_ZERO_GPU")
        ON_KAGGLE = os.environ.get("KAGGLE_KERNEL_RUN_TYPE")
        CA = os.getenv("SSL_CERT_FILE") or os.getenv("REQUESTS_CA_BUNDLE")
        NO_PROXY = os.getenv("NO_PROXY")
        OIDC = os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"]
        TRACKING_OFF = os.getenv("DO_NOT_TRACK")
        UNDER_PYTEST = os.getenv("PYTEST_VERSION")
        """,
        id="variables-the-session-the-platform-or-a-library-sets",
    ),
]


# The app imports the module, so it is application code: the rule itself must exempt.
APP = {"app/__init__.py": "", "app/main.py": "from fastapi import FastAPI\nfrom app import service\napp = FastAPI()\n"}


@pytest.mark.parametrize("source", NOT_CONFIGURATION)
def test_reads_that_are_not_configuration(source):
    assert lines({**APP, "app/service.py": source}, "FL404") == []


def test_a_read_beside_a_parameter_that_does_not_stand_in_for_it_is_still_reported():
    source = """import os
TIMEOUT = 3
def connect(api_key=None, region=None):
    token = TIMEOUT or os.getenv("TOKEN")
    api_key = os.getenv("API_KEY")
    if region is None:
        other = os.getenv("OTHER")
    if api_key == "x":
        api_key = os.getenv("FALLBACK")
    return token, api_key, other

class Client:
    def __init__(self, key=None):
        self.key = self.key or os.getenv("CLIENT_KEY")

def environment_report():
    return os.getenv("REPORT_URL")
"""
    assert lines({**APP, "app/service.py": source}, "FL404") == [4, 5, 7, 9, 14, 17]


def test_a_local_of_the_objects_own_state_or_a_call_result_is_still_reported():
    source = """import os

class Client:
    def connect(self, ctx):
        key = self.key
        base = ctx.resolve_base()
        return key or os.getenv("CLIENT_KEY"), base or os.getenv("CLIENT_BASE")
"""
    assert lines({**APP, "app/service.py": source}, "FL404") == [7, 7]


def test_a_function_reading_a_named_variable_is_still_reported():
    source = "import os\n\ndef smtp_host():\n    return os.getenv('SMTP_HOST')\n"
    assert lines({**APP, "app/service.py": source}, "FL404") == [4]


def test_variables_named_in_the_config_module_and_modules_of_a_config_package():
    files = {**APP,
             "app/constants.py": "ENV_APP_PORT = 'APP_PORT'\n",
             "app/config/__init__.py": "",
             "app/config/global_config.py": "import os\ndef get(name_var):\n    n = name_var\n    return os.environ[n]\n",
             "app/service.py": "import os\nfrom app.constants import ENV_APP_PORT\nPORT = os.getenv(ENV_APP_PORT)\n"}
    assert lines(files, "FL404") == []


def test_a_variable_named_by_a_local_constant_is_still_reported():
    files = {**APP, "app/service.py": "import os\nPORT_VAR = 'APP_PORT'\nPORT = os.getenv(PORT_VAR)\n"}
    assert lines(files, "FL404") == [3]


def test_variables_the_project_declares_by_name():
    files = {**APP, "app/service.py": "import os\nB2_KEY_ENV_VAR = 'B2_KEY'\nENV_RUN_ID = 'RUN_ID'\n"
             "KEY = os.environ.get(B2_KEY_ENV_VAR)\nRUN = os.environ[ENV_RUN_ID]\n"}
    assert lines(files, "FL404") == []


def test_a_variable_key_in_a_loop_names_no_configuration():
    files = {**APP, "app/service.py": "import os\ndef run_id():\n    for env_var in ['A_RUN', 'B_RUN']:\n"
             "        if env_var in os.environ:\n            return os.environ[env_var]\n"}
    assert lines(files, "FL404") == []


def test_a_read_beside_a_function_that_writes_the_environment_is_still_reported():
    source = """
import os

def configure(token):
    os.environ["SERVICE_TOKEN"] = token

def client():
    return os.environ.get("SERVICE_URL")
"""
    assert lines({**APP, "app/service.py": source}, "FL404") == [8]


def test_a_local_the_function_computes_or_a_name_built_from_constants_is_still_reported():
    source = """import os
PREFIX = "APP_"

class Auth:
    def trusted_issuer(self, token, **kwargs):
        issuer = self.lookup(token)
        found = issuer.name if issuer is not None else os.getenv("JWT_ISSUER")
        return found or self.issuer or os.getenv("FALLBACK_ISSUER")

def region():
    return os.getenv(PREFIX + "REGION")
"""
    assert lines({**APP, "app/service.py": source}, "FL404") == [7, 8, 11]


def test_an_attribute_not_named_for_the_tested_parameter_or_a_users_azure_secret_is_still_reported():
    source = """import os
class Client:
    def __init__(self, region=None):
        if region is None:
            self.endpoint = os.getenv("ENDPOINT")
        self.secret = os.getenv("AZURE_CLIENT_SECRET")
"""
    assert lines({**APP, "app/service.py": source}, "FL404") == [5, 6]


def test_the_apps_own_variables_that_start_like_a_platform_variable_are_still_reported():
    source = ('import os\nA = os.getenv("LANGFUSE_SECRET_KEY")\nB = os.getenv("USER_AGENT_SUFFIX")\n'
              'C = os.getenv("HOMEPAGE_URL")\nD = os.getenv("CISCO_AI_DEFENSE_TIMEOUT")\n'
              'E = os.getenv("DISPLAY_TIMEZONE")\nF = os.getenv("SPACE_NAME")\n'
              'G = os.getenv("BROWSER_WS_ENDPOINT")\nH = os.getenv("SSH_PRIVATE_KEY")\n')
    assert lines({**APP, "app/service.py": source}, "FL404") == [2, 3, 4, 5, 6, 7, 8, 9]
