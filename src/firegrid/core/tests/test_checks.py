"""Production readiness (core/checks.py): `firegrid check --deploy` with DEPLOY.md's settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from firegrid.core.checks import production_secrets

CLI = [sys.executable, "-m", "firegrid.cli"]


def deployment_env() -> dict[str, str]:
    """This process' environment without any FireGrid or Django setting: the suite sets some
    (FIREGRID_DEMO, and the browser tests DJANGO_ALLOW_ASYNC_UNSAFE) that a deployment has not."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FIREGRID_", "DJANGO_"))
    }


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment docs/DEPLOY.md documents (a TLS proxy in front, on the same host)."""
    env = deployment_env()
    return env | {
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FIREGRID_VAR_DIR": str(tmp_path),
        "FIREGRID_SECRET_KEY": "k7Q2m9Xv4Lp8Rz1Tn6Wc3Yb5Hd0Jf2Gs8Ua4Ek7Mq1Nx9Pv3Zr6Ty0Lw5Bc2Dh7",
        "FIREGRID_PII_KEYS": Fernet.generate_key().decode(),
        "FIREGRID_ALLOWED_HOSTS": "firegrid.example.org,127.0.0.1",
        "FIREGRID_SECURE_COOKIES": "1",
        "FIREGRID_HSTS_SECONDS": "31536000",
        "FIREGRID_HSTS_INCLUDE_SUBDOMAINS": "1",
        "FIREGRID_HSTS_PRELOAD": "1",
        "FIREGRID_SSL_REDIRECT": "1",
        "FIREGRID_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "FIREGRID_TRUSTED_PROXIES": "127.0.0.1,::1",
        **extra,
    }


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [*CLI, "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_has_no_issues_with_the_documented_production_settings(tmp_path: Path):
    done = check_deploy(production_env(tmp_path))

    assert done.stderr == ""
    assert done.stdout == "System check identified no issues (0 silenced).\n"
    assert done.returncode == 0


def test_check_deploy_without_the_production_settings_names_each_problem(tmp_path: Path):
    env = deployment_env()
    env |= {
        "DJANGO_SETTINGS_MODULE": "firegrid.config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FIREGRID_VAR_DIR": str(tmp_path),
    }
    done = check_deploy(env)

    assert done.returncode == 1
    ids = sorted(
        line.split(")")[0].split("(")[1]
        for line in done.stderr.splitlines()
        if line.startswith("?: (")
    )
    assert ids == [
        "firegrid.E001",
        "firegrid.E002",
        "security.W004",
        "security.W008",
        "security.W009",
        "security.W012",
        "security.W016",
    ]


def test_a_malformed_pii_key_is_an_error(settings):
    settings.FIREGRID_PII_KEYS = ["not-a-key", Fernet.generate_key().decode()]
    settings.SECRET_KEY = "x" * 60

    assert [message.id for message in production_secrets()] == ["firegrid.E003"]


def test_demo_mode_turns_the_errors_into_warnings(settings):
    settings.FIREGRID_DEMO = True
    settings.FIREGRID_PII_KEYS = []
    settings.SECRET_KEY = settings.DEMO_SECRET_KEY

    assert [(m.id, m.is_serious()) for m in production_secrets()] == [
        ("firegrid.W001", False),
        ("firegrid.W002", False),
    ]
