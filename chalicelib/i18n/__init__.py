"""Message catalogues: members read the bot in their group's language (zh-CN by default, zh-TW, en).

Each domain keeps its own catalogue module (`catalog_core`, `catalog_moderation`, ...), a dict of
key -> {locale: template}. `t(locale, key, **params)` formats with `str.format`; a missing locale falls
back to zh-CN, then en, and a missing key is a bug that the catalogue tests catch.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

LOCALES = ("zh-CN", "zh-TW", "en")
DEFAULT_LOCALE = "zh-CN"
CATALOG_MODULES = (
    "catalog_core",
    "catalog_moderation",
    "catalog_admin",
    "catalog_jobs",
    "catalog_membership",
    "catalog_workflows",
    "catalog_followups",
    "catalog_discussions",
    "catalog_slowmode",
    "catalog_files",
    "catalog_mentions",
    "catalog_setup",
    "catalog_help",
    "catalog_policy",
    "catalog_persons",
    "catalog_console",
    "catalog_console_work",
)

_ALIASES = {
    "zh": "zh-CN",
    "zh-cn": "zh-CN",
    "zh-hans": "zh-CN",
    "zh-sg": "zh-CN",
    "zh-tw": "zh-TW",
    "zh-hk": "zh-TW",
    "zh-mo": "zh-TW",
    "zh-hant": "zh-TW",
    "en": "en",
}


def normalise_locale(value: str | None) -> str:
    """Map platform locale strings (`en-US`, `zh_TW`, `zh-Hant`) to one of LOCALES."""
    if not value:
        return DEFAULT_LOCALE
    key = value.replace("_", "-").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if key.startswith("en"):
        return "en"
    if key.startswith(("zh-hant", "zh-tw", "zh-hk")):
        return "zh-TW"
    if key.startswith("zh"):
        return "zh-CN"
    return DEFAULT_LOCALE


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for name in CATALOG_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            continue
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice")
            merged[key] = texts
    return merged


def t(locale: str | None, key: str, /, **params: Any) -> str:
    texts = catalogue().get(key)
    if texts is None:
        raise KeyError(f"no message {key!r}")
    template = texts.get(normalise_locale(locale)) or texts.get(DEFAULT_LOCALE) or texts["en"]
    return template.format(**params)
