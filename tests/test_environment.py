"""environment.yml, requirements.txt and pyproject.toml agree on what is installed."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement

from tests.conftest import REPO

LOCK_MARKER = "# ---- lock:"


def _pins(direct_only: bool = False) -> dict[str, str]:
    """requirements.txt as {name: version}; ``direct_only`` stops at the lock section."""
    pins = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if direct_only and line.startswith(LOCK_MARKER):
            break
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert match, f"requirements.txt line is not an exact pin: {line!r}"
        pins[_canonical(match.group(1))] = match.group(2)
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _declared() -> list[Requirement]:
    project = _pyproject()["project"]
    declared = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        declared += [Requirement(r) for r in extra]
    return declared


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for requirement in _declared():
        name = _canonical(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not pinned"
        assert requirement.specifier.contains(pins[name]), (
            f"{requirement.name}=={pins[name]} is outside pyproject's range {requirement.specifier}"
        )


def test_every_direct_pin_is_declared_in_pyproject() -> None:
    declared = {_canonical(r.name) for r in _declared()}
    extra = sorted(set(_pins(direct_only=True)) - declared)
    assert not extra, f"pinned above the lock but not declared in pyproject.toml: {extra}"


def test_the_lock_pins_what_the_direct_pins_need() -> None:
    """Every installed dependency of a direct pin is itself pinned (a fresh venv matches)."""
    pins = _pins()
    missing = set()
    queue = list(_pins(direct_only=True))
    seen: set[str] = set()
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        for requirement in metadata.requires(name) or []:
            parsed = Requirement(requirement)
            if parsed.marker is not None and not parsed.marker.evaluate({"extra": ""}):
                continue
            dependency = _canonical(parsed.name)
            if dependency not in pins:
                missing.add(dependency)
            else:
                queue.append(dependency)
    assert not missing, f"installed but not pinned in requirements.txt: {sorted(missing)}"


def test_environment_yml_installs_requirements_and_package() -> None:
    environment = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    dependencies = environment["dependencies"]
    python = next(d for d in dependencies if isinstance(d, str) and d.startswith("python"))
    requires = _pyproject()["project"]["requires-python"]
    version = python.split("=", 1)[1]
    assert Requirement(f"python{requires}").specifier.contains(version + ".0")
    assert "pip" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert "-r requirements.txt" in pip_section
    assert "-e ." in pip_section


def test_installed_versions_match_the_pins() -> None:
    for name, version in _pins().items():
        assert metadata.version(name) == version, f"{name} installed differs from its pin"


def test_readme_quickstart_commands_are_the_make_targets() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_python_is_supported() -> None:
    requires = _pyproject()["project"]["requires-python"]
    import platform

    assert Requirement(f"python{requires}").specifier.contains(platform.python_version())
    assert Path(REPO / "src" / "lossledger" / "py.typed").is_file()
