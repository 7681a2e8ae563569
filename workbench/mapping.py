"""The mapping file: how a shop's own names become the workbench's, saved, edited and reused.

A migration dry run fills a :class:`Mapping` with what it saw (``suggest``) and saves it as TOML
beside its outputs; staff edit it and pass it to the next run. It is also how translated headers are
handled (a German WooCommerce export: ``"Regulärer Preis" = "Regular price"``).

Example file::

    # workbench mapping file
    [headers]            # source header -> the header the adapter expects
    "Regulärer Preis" = "Regular price"

    [options]            # source attribute -> option name on the target
    "pa_color" = "Color"

    [collections]        # source category path (levels joined with " > ") -> collection handle
    "Clothing > Tshirts" = "t-shirts"

    [urls]               # old-URL patterns for redirects, and where relative image paths live
    product_url_pattern = "/{handle}.html"
    category_url_pattern = "/{handle}/"
    image_base_url = "https://old-shop.example.com/media/catalog/product"

    [tax_rates]          # PrestaShop "Tax rules ID" -> percent to add to tax-excluded prices
    "1" = "20"

    [settings]           # choices the export cannot tell (keys and values in SETTINGS)
    weight_unit = "kg"               # unit of weights in an export without one (Magento)
    customer_passwords = "temporary" # PrestaShop target: write temporary passwords (needs WORKBENCH_PASSWORD_KEY)

Only these six tables exist; unknown tables, unknown settings and values outside a setting's
choices are errors so typos do not pass silently.
Shared helpers for adapters: :func:`slugify` and :func:`unique_handles` (mapping rules 1.2).
"""
from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .safeio import atomic_write

__all__ = ["SECTIONS", "Mapping", "load", "save", "slugify", "unique_handles"]

#: Tables of a mapping file, in the order they are written.
SECTIONS = ("headers", "options", "collections", "urls", "tax_rates", "settings")
URL_KEYS = ("product_url_pattern", "category_url_pattern", "image_base_url")
#: ``[settings]`` keys -> their allowed values (docs/mapping.md, "Settings")
SETTINGS: dict[str, tuple[str, ...]] = {
    # Magento exports weights without a unit; Magento's default is pounds
    "weight_unit": ("lb", "kg", "g", "oz"),
    # "none": the password column stays empty (PrestaShop refuses such rows, an error says so);
    # "temporary": a per-customer temporary password derived from WORKBENCH_PASSWORD_KEY
    "customer_passwords": ("none", "temporary"),
}


def slugify(text: str, *, max_length: int = 255) -> str:
    """A URL handle: ASCII lower case letters, digits and single dashes (``"Café Crème!"`` → ``cafe-creme``)."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:max_length].rstrip("-")


def unique_handles(handles) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Make handles unique in order by suffixing ``-2``, ``-3``...; also (index, old, new) for each change."""
    seen: set[str] = set()
    out: list[str] = []
    changed: list[tuple[int, str, str]] = []
    for i, h in enumerate(handles):
        h = h or "product"
        new = h
        n = 1
        while new in seen:
            n += 1
            new = f"{h}-{n}"
        seen.add(new)
        out.append(new)
        if new != h:
            changed.append((i, h, new))
    return out, changed


@dataclass
class Mapping:
    """Header, option, collection, URL and tax-rate mappings and settings (each a ``str -> str`` dict)."""

    headers: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    collections: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    tax_rates: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    path: str | None = field(default=None, compare=False)

    # ---- lookups used by adapters ---------------------------------------------------------------
    def header(self, name: str) -> str:
        """The standard header for a source header (unchanged when not mapped; case-insensitive)."""
        if name in self.headers:
            return self.headers[name]
        low = name.strip().lower()
        for k, v in self.headers.items():
            if k.strip().lower() == low:
                return v
        return name

    def rename_headers(self, frame):
        """``frame`` with its columns renamed through ``[headers]`` (a new frame; no copy of the data)."""
        if not self.headers:
            return frame
        new = {c: self.header(c) for c in frame.columns}
        taken: dict[str, str] = {}
        for old, name in new.items():
            if name in taken:
                first, second = (taken[name], old) if taken[name] != name else (old, name)
                raise InputError(f"[headers] renames {first!r} to {name!r}, but the file already has a column "
                                 f"{second!r} that is (or becomes) {name!r}: remove one of them from the file or "
                                 "the mapping", file=self.path, column=first)
            taken[name] = old
        return frame.rename(columns=new)

    def option(self, name: str) -> str:
        """The option name for a source attribute name or code."""
        return self.options.get(name, name)

    def collection(self, path: str) -> str:
        """The collection handle for a category path (``slugify(path)`` unless mapped)."""
        return self.collections.get(path) or slugify(path.replace(" > ", " "))

    def product_url(self, **fields) -> str | None:
        """The old product URL from ``[urls] product_url_pattern`` (``{handle}``, ``{id}``, ``{sku}``...)."""
        return self._url("product_url_pattern", fields)

    def category_url(self, **fields) -> str | None:
        """The old category URL from ``[urls] category_url_pattern``."""
        return self._url("category_url_pattern", fields)

    def image_url(self, src: str) -> str:
        """An absolute image URL: relative paths joined to ``[urls] image_base_url`` when set."""
        if not src or re.match(r"^[a-z][a-z0-9+.-]*://", src, re.I):
            return src
        base = self.urls.get("image_base_url", "")
        if not base:
            return src
        return base.rstrip("/") + "/" + src.lstrip("/")

    def setting(self, key: str, default: str | None = None) -> str | None:
        """A ``[settings]`` value (``default`` when not set)."""
        if key not in SETTINGS:
            raise KeyError(f"unknown setting {key!r}")
        return self.settings.get(key, default)

    def tax_rate(self, rule_id: str) -> str | None:
        """The tax percent for a tax rule id, or None when not mapped."""
        return self.tax_rates.get(str(rule_id))

    def _url(self, key: str, fields: dict) -> str | None:
        pattern = self.urls.get(key)
        if not pattern:
            return None
        try:
            return pattern.format(**fields)
        except (KeyError, IndexError) as exc:
            raise InputError(f"the URL pattern {pattern!r} uses {exc} which the export does not have; "
                             f"use one of: {', '.join('{' + k + '}' for k in fields)}",
                             file=self.path, column=key) from None

    # ---- filling from a dry run -----------------------------------------------------------------
    def suggest(self, section: str, source: str, value: str) -> str:
        """Record ``source -> value`` in ``section`` unless the user already mapped it; returns the mapped value.

        Adapters call this for every header, attribute and category they meet, so the saved mapping
        lists them all for editing; a value the user set is never overwritten.
        """
        table = self._table(section)
        if source not in table:
            table[source] = value
        return table[source]

    def _table(self, section: str) -> dict[str, str]:
        if section not in SECTIONS:
            raise ValueError(f"unknown mapping section {section!r}; known: {', '.join(SECTIONS)}")
        return getattr(self, section)

    # ---- files --------------------------------------------------------------------------------
    def to_toml(self) -> str:
        """The mapping as TOML text, keys sorted (same mapping, same bytes)."""
        lines = ["# workbench mapping file: edit the right-hand sides, then pass it to the next run", ""]
        for section in SECTIONS:
            table = getattr(self, section)
            lines.append(f"[{section}]")
            for k in sorted(table):
                lines.append(f"{json.dumps(k, ensure_ascii=False)} = {json.dumps(str(table[k]), ensure_ascii=False)}")
            lines.append("")
        return "\n".join(lines)

    @classmethod
    def from_toml(cls, text: str, *, path: str | None = None) -> "Mapping":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = None
            m = re.search(r"line (\d+)", str(exc))
            if m:
                line = int(m.group(1))
            raise InputError(f"the mapping file is not valid TOML: {exc}", file=path, row=line) from None
        unknown = [k for k in data if k not in SECTIONS]
        if unknown:
            raise InputError(f"unknown table [{unknown[0]}] in the mapping file; known tables: "
                             f"{', '.join('[' + s + ']' for s in SECTIONS)}", file=path)
        kwargs = {}
        for section in SECTIONS:
            table = data.get(section, {})
            if not isinstance(table, dict):
                raise InputError(f"[{section}] must be a table of \"source\" = \"target\" lines", file=path)
            bad = [k for k, v in table.items() if not isinstance(v, (str, int, float))]
            if bad:
                raise InputError(f"[{section}] {bad[0]!r} must map to a text value", file=path, column=bad[0])
            kwargs[section] = {str(k): str(v) for k, v in table.items()}
        unknown_urls = [k for k in kwargs["urls"] if k not in URL_KEYS]
        if unknown_urls:
            raise InputError(f"unknown key {unknown_urls[0]!r} in [urls]; known: {', '.join(URL_KEYS)}",
                             file=path, column=unknown_urls[0])
        kwargs["settings"] = {k: v.strip().lower() for k, v in kwargs["settings"].items()}
        for key, value in kwargs["settings"].items():
            if key not in SETTINGS:
                raise InputError(f"unknown setting {key!r} in [settings]; known: {', '.join(SETTINGS)}",
                                 file=path, column=key)
            if value not in SETTINGS[key]:
                raise InputError(f"[settings] {key} = {value!r} is not one of: {', '.join(SETTINGS[key])}",
                                 file=path, column=key)
        return cls(**kwargs, path=path)


def load(path: str | Path | None) -> Mapping:
    """Read a mapping file (an empty Mapping for ``None``)."""
    if path is None:
        return Mapping()
    p = Path(path)
    if not p.is_file():
        raise InputError("there is no mapping file here", file=str(p))
    return Mapping.from_toml(p.read_text(encoding="utf-8-sig"), path=str(p))


def save(mapping: Mapping, path: str | Path) -> Path:
    """Write ``mapping`` as TOML, atomically; returns the path."""
    p = Path(path)
    with atomic_write(p, "w", newline="\n") as fh:
        fh.write(mapping.to_toml())
    return p
