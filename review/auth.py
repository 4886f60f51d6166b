"""Who may use the review app, and who marked what.

Why this shape: on 127.0.0.1 only people at the machine can reach the app, so no accounts are
needed (the operator types a name that goes into ``reviews.reviewer``). Anywhere else the app
needs operator accounts or a shared password, configured outside the code and stored only as
hashes (werkzeug's ``scrypt:``/``pbkdf2:`` format, made with ``pantau review-password``):

- environment: ``PANTAU_REVIEW_PASSWORD_HASH`` (shared password), ``PANTAU_REVIEW_SECRET_KEY``;
- a TOML settings file (``--settings`` or ``PANTAU_REVIEW_SETTINGS``)::

      secret_key = "long random string"         # keeps sessions valid across restarts
      shared_password_hash = "scrypt:32768:8:1$..."
      [accounts]                                # one line per operator
      budi = "scrypt:32768:8:1$..."

``check_bind`` refuses a non-loopback address when neither is configured. Errors:
``AuthConfigError`` (a bad settings file or a plain-text secret) and ``BindRefused``.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

HASH_PREFIXES = ("scrypt:", "pbkdf2:")
_DUMMY_HASH = generate_password_hash("pantau-dummy", method="scrypt")


class AuthConfigError(Exception):
    """The settings name a secret in a form the app will not use."""


class BindRefused(Exception):
    """A non-loopback address without any operator credentials configured."""


@dataclass(frozen=True)
class AuthConfig:
    accounts: Mapping[str, str] = field(default_factory=dict)  # name -> password hash
    shared_hash: str | None = None
    secret_key: str | None = None

    @property
    def required(self) -> bool:
        """Passwords are configured, so every page needs a login (on any address)."""
        return bool(self.accounts or self.shared_hash)


def _checked_hash(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.startswith(HASH_PREFIXES):
        raise AuthConfigError(
            f"{where}: expected a password hash (scrypt:… or pbkdf2:…, made with "
            "`pantau review-password`), not a plain-text password")
    return value


def _read_settings(path: str | None) -> dict[str, object]:
    if not path:
        return {}
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise AuthConfigError(f"{path}: cannot read the settings file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise AuthConfigError(f"{path}: {exc}") from exc


def load_auth(settings_path: str | None = None,
              environ: Mapping[str, str] | None = None) -> AuthConfig:
    """Credentials from the settings file, then the environment (which wins)."""
    env = os.environ if environ is None else environ
    data = _read_settings(settings_path)
    raw_accounts = data.get("accounts") or {}
    if not isinstance(raw_accounts, dict):
        raise AuthConfigError(f"{settings_path}: [accounts] must be a table of name = hash")
    accounts = {str(name): _checked_hash(h, f"{settings_path}: accounts.{name}")
                for name, h in raw_accounts.items()}
    shared = env.get("PANTAU_REVIEW_PASSWORD_HASH") or data.get("shared_password_hash")
    where = ("PANTAU_REVIEW_PASSWORD_HASH" if env.get("PANTAU_REVIEW_PASSWORD_HASH")
             else f"{settings_path}: shared_password_hash")
    secret = env.get("PANTAU_REVIEW_SECRET_KEY") or data.get("secret_key")
    return AuthConfig(accounts=accounts,
                      shared_hash=_checked_hash(shared, where) if shared else None,
                      secret_key=str(secret) if secret else None)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, auth: AuthConfig) -> None:
    if is_loopback(host) or auth.required:
        return
    raise BindRefused(
        f"refusing to serve on {host}: it is not a loopback address and no operator accounts "
        "or shared password are configured. Set PANTAU_REVIEW_PASSWORD_HASH (make one with "
        "`pantau review-password`) or add [accounts] to a settings file (--settings), "
        "or serve on 127.0.0.1.")


def verify(auth: AuthConfig, name: str, password: str) -> str | None:
    """The reviewer name when the password is right, else None (in constant-ish time)."""
    name = name.strip()
    if name in auth.accounts:
        return name if check_password_hash(auth.accounts[name], password) else None
    if auth.shared_hash and name:
        return name if check_password_hash(auth.shared_hash, password) else None
    check_password_hash(_DUMMY_HASH, password)  # same cost for an unknown name
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")
