"""KPI targets from a TOML file (``data/kpi_targets.toml``).

Format, one table per KPI key (see :data:`workbench.reports.kpis.KPIS`)::

    [net_sales]
    target = 800          # the level to reach
    direction = "min"     # "min": at least the target; "max": at most the target
    per = "day"           # optional: "day" scales the target by the period's number of days,
                          # "period" (default) uses it as is (for rates, averages, hours)

    [net_sales.channels.pos]   # optional per-channel override (inherits direction/per)
    target = 90

A KPI without an entry has status "no target". Unknown keys, directions or non-numeric targets are
refused with an :class:`InputError` naming the file and the KPI.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

from ..errors import InputError, ParameterError

__all__ = ["Target", "Targets", "default_targets_path", "load_targets"]

DIRECTIONS = ("min", "max")
PERS = ("period", "day")


@dataclass(frozen=True)
class Target:
    """One target: ``value`` for a whole period (already scaled), and whether it is a floor or a ceiling."""

    value: Decimal
    direction: str

    def met_by(self, value) -> bool | None:
        """True/False, or None when there is no value to judge."""
        if value is None:
            return None
        v = value if isinstance(value, Decimal) else Decimal(str(value))
        return v >= self.value if self.direction == "min" else v <= self.value


@dataclass(frozen=True)
class Targets:
    """Targets per KPI, optionally per channel."""

    rules: Mapping[str, Mapping] = field(default_factory=dict)
    source: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping, *, source: str | None = None, known: tuple[str, ...] | None = None) -> "Targets":
        rules: dict[str, dict] = {}
        for kpi, spec in (data or {}).items():
            if known is not None and kpi not in known:
                raise InputError(f"unknown KPI {kpi!r}; known KPIs: {', '.join(known)}", file=source, column=kpi)
            if not isinstance(spec, Mapping):
                raise InputError(f"[{kpi}] must be a table with target and direction", file=source, column=kpi)
            base = _rule(kpi, spec, None, source)
            channels = {}
            for chan, cspec in (spec.get("channels") or {}).items():
                if not isinstance(cspec, Mapping):
                    raise InputError(f"[{kpi}.channels.{chan}] must be a table", file=source, column=kpi)
                channels[str(chan).lower()] = _rule(f"{kpi}.channels.{chan}", cspec, base, source)
            rules[kpi] = {**base, "channels": channels}
        return cls(rules, source)

    def get(self, kpi: str, *, channel: str | None = None, days: int = 1) -> Target | None:
        """The target of ``kpi`` for a period of ``days`` days (channel override first)."""
        rule = self.rules.get(kpi)
        if not rule:
            return None
        if channel:
            rule = rule["channels"].get(channel.lower(), rule)
        if rule.get("target") is None:
            return None
        value = rule["target"] * (days if rule["per"] == "day" else 1)
        return Target(value, rule["direction"])


def _rule(name: str, spec: Mapping, base: Mapping | None, source: str | None) -> dict:
    unknown = set(spec) - {"target", "direction", "per", "channels", "label", "note", "p25", "p75"}
    if unknown:
        raise InputError(f"[{name}] has unknown setting(s) {', '.join(sorted(unknown))}; use target, direction, "
                         f"per, channels", file=source, column=name)
    direction = str(spec.get("direction", (base or {}).get("direction", "min"))).lower()
    if direction not in DIRECTIONS:
        raise InputError(f"[{name}] direction must be \"min\" (at least) or \"max\" (at most), not {direction!r}",
                         file=source, column=name)
    per = str(spec.get("per", (base or {}).get("per", "period"))).lower()
    if per not in PERS:
        raise InputError(f"[{name}] per must be \"period\" or \"day\", not {per!r}", file=source, column=name)
    raw = spec.get("target", (base or {}).get("target"))
    target = None
    if raw is not None:
        if isinstance(raw, bool):
            raise InputError(f"[{name}] target must be a number, not {raw!r}", file=source, column=name)
        try:
            target = Decimal(str(raw))
            if not target.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise InputError(f"[{name}] target must be a number, not {raw!r}", file=source, column=name) from None
    return {"target": target, "direction": direction, "per": per}


def default_targets_path() -> Path:
    from ..store import project_root
    return project_root() / "data" / "kpi_targets.toml"


def load_targets(path: str | Path | None = None) -> Targets:
    """Read a targets TOML file (default ``data/kpi_targets.toml`` under the project root)."""
    from .kpis import KPIS

    p = Path(path) if path else default_targets_path()
    if not p.exists():
        raise ParameterError(f"There is no targets file at {p}. Copy data/kpi_targets.toml from the project "
                             f"and adjust the numbers.")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"is not valid TOML: {exc}", file=p) from None
    return Targets.from_mapping(data, source=str(p), known=tuple(KPIS))


def as_targets(targets) -> Targets:
    """Accept None, a Targets, a mapping (parsed TOML) or a path."""
    from .kpis import KPIS

    if targets is None:
        return Targets()
    if isinstance(targets, Targets):
        return targets
    if isinstance(targets, Mapping):
        return Targets.from_mapping(targets, known=tuple(KPIS))
    if isinstance(targets, (str, Path)):
        return load_targets(targets)
    raise ParameterError(f"targets must be a file path, a dict or Targets, not {type(targets).__name__}.")
