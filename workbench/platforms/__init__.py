"""Platform adapters, found by name through a registry (papermill-style).

>>> from workbench import platforms
>>> adapter = platforms.get("shopify")
>>> result = adapter.read([path])            # -> ReadResult (canonical Catalog + loss + issues)
>>> adapter.write(result.catalog, out_dir)   # -> list of import files written

Adapters register themselves in their module with :func:`register`; third-party packages can add
more through the ``workbench.platforms`` entry-point group.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from ..errors import ParameterError
from .base import Adapter, Catalog, ReadResult

__all__ = ["Adapter", "Catalog", "ReadResult", "get", "names", "register"]

_REGISTRY: dict[str, type[Adapter]] = {}
# Built-in adapters, imported lazily so one broken adapter cannot break the others.
_BUILTIN = ("shopify", "woocommerce", "magento2", "magento1", "prestashop", "volusion", "opencart", "bigcommerce")
_loaded = False


def register(name: str, adapter: type[Adapter]) -> type[Adapter]:
    """Register an adapter class under ``name`` (also usable as a class decorator argument)."""
    _REGISTRY[name] = adapter
    return adapter


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in _BUILTIN:
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{mod}":
                raise
    for ep in entry_points(group="workbench.platforms"):
        register(ep.name, ep.load())


def names() -> list[str]:
    """Registered platform names."""
    _load()
    return sorted(_REGISTRY)


def get(name: str) -> Adapter:
    """An adapter instance for platform ``name``; a clear error for an unknown name."""
    _load()
    key = name.strip().lower().replace("-", "").replace(" ", "")
    aliases = {"magento": "magento2", "woo": "woocommerce", "presta": "prestashop", "bc": "bigcommerce"}
    key = aliases.get(key, key)
    if key not in _REGISTRY:
        raise ParameterError(f"Unknown platform '{name}'. Known platforms: {', '.join(names())}.")
    return _REGISTRY[key]()
