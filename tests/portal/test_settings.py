"""Production settings refuse unsafe configurations, and turn on the security settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import check_production_safety

PROJECT = Path(__file__).resolve().parents[2]


def load_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Import `portal.settings` in a fresh interpreter with only `env` configured."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    for name in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"):
        clean.pop(name, None)
    clean.update({"PORTAL_READ_DOTENV": "0", **env})
    return subprocess.run(
        [sys.executable, "-c", f"import portal.settings as s\n{code}"],
        cwd=PROJECT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_refuses_debug_off_without_secret_key():
    """DEBUG off and no SECRET_KEY: refused, with how to make one."""
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        check_production_safety(debug=False, secret_key="", allowed_hosts=["portal.example.org"])


def test_refuses_debug_on_with_a_public_host():
    """DEBUG on while a public host is allowed: refused, naming the host."""
    with pytest.raises(ImproperlyConfigured, match=r"portal\.example\.org"):
        check_production_safety(
            debug=True, secret_key="x", allowed_hosts=["localhost", "portal.example.org"]
        )


def test_accepts_debug_on_for_local_hosts_only():
    """Local development (DEBUG on, local hosts, no key) is allowed."""
    check_production_safety(debug=True, secret_key="", allowed_hosts=["127.0.0.1", "localhost"])


def test_accepts_production_with_a_secret_key():
    """DEBUG off with a SECRET_KEY is a valid production configuration."""
    check_production_safety(debug=False, secret_key="s" * 50, allowed_hosts=["portal.example.org"])


def test_settings_module_exits_without_secret_key():
    """Loading the real settings with DEBUG=0 and no SECRET_KEY fails with the message."""
    result = load_settings("", DEBUG="0", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_settings_module_exits_with_debug_on_a_public_host():
    """Loading the real settings with DEBUG=1 and a public host fails with the message."""
    result = load_settings("", DEBUG="1", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "DEBUG is on while ALLOWED_HOSTS names public hosts" in result.stderr


def test_security_settings_are_on_when_debug_is_off():
    """With DEBUG off: HSTS, secure cookies and the HTTPS redirect are all on."""
    code = (
        "import json; print(json.dumps({name: getattr(s, name) for name in "
        "['SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_SSL_REDIRECT', 'SECURE_CONTENT_TYPE_NOSNIFF', 'DEBUG']}))"
    )
    result = load_settings(code, DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
