"""What the theme's output of a page can depend on, as plain data for the page cache's keys (page_cache.py).

The configuration, the navigation, the template folders and the template
environment's functions; `Unknown` is raised for anything no key can follow,
and the page cache then renders every page as usual.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import types
from typing import Any

from jinja2 import Environment

from papernotes.core.digest import hash_bytes, stable

from .cache import installed_version

# What a writer's template may read that no key can follow (`pages`: every page of the site).
_VOLATILE = re.compile(rb"\b(?:build_date_utc|update_date|pages)\b")
# Modules whose template functions print only what their arguments say.
_KNOWN_TEMPLATE_CODE = ("jinja2", "mkdocs", "material", "markupsafe", "papernotes", "builtins", "_operator", "operator", "gettext", "babel")


class Unknown(Exception):
    """A value whose content cannot be told from its type: no key can follow it."""


def config_data(value: Any) -> Any:
    """MkDocs' configuration as plain data: sub-configs, plugin options, hook modules and script entries included.

    Raises `Unknown` for a value it cannot describe, rather than keying it by its type alone.
    """
    from mkdocs.plugins import PluginCollection
    from mkdocs.theme import Theme

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, PluginCollection):
        return {name: _plugin_data(plugin) for name, plugin in value.items()}
    if isinstance(value, Theme):
        return {"name": value.name, "dirs": list(value.dirs), "options": config_data(dict(value))}
    if hasattr(value, "data") and hasattr(value, "keys"):  # a Config: a UserDict
        return {str(k): config_data(value[k]) for k in value.keys()}
    if isinstance(value, dict):
        return {str(k): config_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [config_data(v) for v in value]
        return items if isinstance(value, (list, tuple)) else sorted(items, key=repr)
    if type(value).__name__ == "ExtraScriptValue":
        return [str(value), config_data(dict(getattr(value, "data", {}) or {}))]
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if callable(value) or hasattr(value, "getConfigs"):  # a function by name, a Markdown extension by its options
        return stable(value)
    text = repr(value)  # a Locale, an Enum...: its repr says what it is, unless it is the default one
    if " object at 0x" in text:
        raise Unknown(type(value).__qualname__)
    return [type(value).__qualname__, text]


def _plugin_data(plugin: Any) -> Any:
    """A plugin's options; for a hooks file (a module), its source."""
    if isinstance(plugin, types.ModuleType):
        try:
            with open(plugin.__file__, "rb") as handle:
                return [plugin.__name__, hash_bytes(handle.read())]
        except (OSError, TypeError):
            raise Unknown(plugin.__name__) from None
    return [type(plugin).__module__, config_data(dict(getattr(plugin, "config", None) or {}))]


def nav_data(items: Any) -> list[Any]:
    """What the theme prints of the navigation: titles, addresses, and each page's meta (icons, status...)."""
    return [
        [
            type(item).__name__, str(item.title or ""), getattr(item, "url", None),
            config_data(getattr(item, "meta", None) or {}), config_data(getattr(item, "typeset", None)),
            nav_data(getattr(item, "children", None) or []),
        ]
        for item in items
    ]


def templates_data(env: Environment) -> list[Any] | None:
    """What the template folders hold; None when a writer's template reads something no key can follow."""
    searchpath = getattr(env.loader, "searchpath", None)
    if searchpath is None:
        return None
    # Material's templates and MkDocs' sitemap change with their versions only; MkDocs'
    # own themes are read like a writer's (they print the build date).
    shipped = {}
    for module, folder in (("material", ""), ("mkdocs", "templates")):
        try:
            shipped[os.path.join(os.path.dirname(__import__(module).__file__), folder).rstrip(os.sep)] = installed_version(module)
        except ImportError:
            pass
    data: list[Any] = []
    for root in searchpath:
        where = os.path.abspath(root)
        package = next((path for path in shipped if where == path or where.startswith(path + os.sep)), None)
        if package is not None:  # a theme's own templates change with its version only
            data.append([root, shipped[package]])
            continue
        for folder, _, names in sorted(os.walk(root)):
            for name in sorted(names):
                path = os.path.join(folder, name)
                try:
                    with open(path, "rb") as handle:
                        body = handle.read()
                except OSError:
                    continue
                if _VOLATILE.search(body):
                    return None
                data.append([os.path.relpath(path, root), hash_bytes(body)])
    return data


def _code_module(value: Any) -> str:
    """The module a template function comes from; a method written in C (`datetime.now`) counts as its owner's."""
    module = getattr(value, "__module__", None)
    if module is None:
        owner = getattr(value, "__self__", None)
        module = (owner if isinstance(owner, type) else type(owner)).__module__ if owner is not None else None
    return module or type(value).__module__ or ""


def template_globals(env: Environment) -> Any:
    """What plugins put in the template environment, as key data; `Unknown` if a function no key can follow."""
    data = {}
    for kind, mapping in (("globals", env.globals), ("filters", env.filters), ("tests", env.tests)):
        for name, value in mapping.items():
            if callable(value):
                if _code_module(value).split(".", 1)[0] not in _KNOWN_TEMPLATE_CODE:
                    raise Unknown(f"{kind}.{name}")
            else:
                data[f"{kind}.{name}"] = config_data(value)
    return data


def is_plain(value: Any) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    return False
