"""Setup consistency: pyproject.toml, environment.yml and constraints.txt must agree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# conda-forge package name -> PyPI distribution name, where they differ
CONDA_TO_PYPI = {"python-duckdb": "duckdb", "python-kaleido": "kaleido"}
CONDA_ONLY = {"python", "pip"}


def normalise(name: str) -> str:
    """PEP 503 name without extras, markers or version specs."""
    name = re.split(r"[\s\[;<>=!~@]", name.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_dependencies() -> dict[str, set[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    return {
        "main": {normalise(d) for d in project["dependencies"]},
        "test": {normalise(d) for d in project["optional-dependencies"]["test"]},
    }


def environment_yml() -> tuple[set[str], list[str]]:
    """(conda dependency names, pip lines) from the simple list format of environment.yml.

    Hand-parsed on purpose: PyYAML is only a transitive dependency here.
    """
    conda, pip = set(), []
    section = None
    in_pip = False
    for raw in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            section = line.split(":", 1)[0].strip()
            in_pip = False
            continue
        if section != "dependencies":
            continue
        item = line.strip()
        if not item.startswith("- "):
            continue
        value = item[2:].strip()
        if value == "pip:":
            in_pip = True
            pip_indent = indent
            continue
        if in_pip and indent > pip_indent:
            pip.append(value)
            continue
        in_pip = False
        name = re.split(r"[\s=<>!~]", value, maxsplit=1)[0]
        conda.add(name)
    return conda, pip


def test_environment_yml_matches_pyproject():
    deps = pyproject_dependencies()
    wanted = deps["main"] | deps["test"]
    conda, _ = environment_yml()
    have = {normalise(CONDA_TO_PYPI.get(n, n)) for n in conda} - CONDA_ONLY
    assert sorted(wanted - have) == [], "in pyproject.toml but missing from environment.yml"
    assert sorted(have - wanted) == [], "in environment.yml but not in pyproject.toml"


def test_environment_yml_installs_the_package_with_test_extra():
    conda, pip = environment_yml()
    assert "python=3.11" in (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert {"python", "pip"} <= conda
    assert "-e .[test]" in pip


def test_constraints_pin_every_direct_dependency():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"constraints.txt line is not an exact pin: {line!r}"
            pins[normalise(name)] = version
    deps = pyproject_dependencies()
    missing = sorted((deps["main"] | deps["test"]) - pins.keys())
    assert missing == [], f"not pinned in constraints.txt: {missing}"
    assert "workbench" not in pins, "constraints.txt must not pin the project itself"
