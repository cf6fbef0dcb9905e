"""requirements/constraints.txt locks every Python dependency: the install and both images use
it, and the environment the tests run in is exactly what it says."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "constraints.txt"
# The optional deepface extra's lock: only the image built WITH_DEEPFACE=1 installs it.
DEEPFACE_LOCK = ROOT / "requirements" / "constraints-deepface.txt"
# The platform's own packages: installed from the checkout, never from an index.
OWN_PACKAGES = {"interview-contracts", "interview-core", "interview-ai-worker"}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked(lock: Path = LOCK) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[_normalized(name)] = version
    return pins


def _declared() -> dict[str, list[Requirement]]:
    """Every requirement any pyproject (extras included) or requirements file declares, by the
    file that declares it."""
    declared: dict[str, list[Requirement]] = {}
    for pyproject in [*sorted(ROOT.glob("*/pyproject.toml")), ROOT / "pyproject.toml"]:
        project = tomllib.loads(pyproject.read_text()).get("project", {})
        lines = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            lines += extra
        declared[str(pyproject.relative_to(ROOT))] = [Requirement(line) for line in lines]
    for requirements in sorted((ROOT / "requirements").glob("*.txt")):
        if requirements.name.startswith("constraints"):
            continue
        lines = [line.split("#")[0].strip() for line in requirements.read_text().splitlines()]
        declared[str(requirements.relative_to(ROOT))] = [
            Requirement(line) for line in lines if line and not line.startswith("-")
        ]
    return declared


def test_the_environment_is_what_the_lock_says() -> None:
    installed = {
        re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower(): dist.version
        for dist in metadata.distributions()
    }
    locked = _locked()
    assert locked["torch"] == "2.13.0"
    drifted = {
        name: (version, installed.get(name))
        for name, version in locked.items()
        if installed.get(name, "").split("+")[0] != version
    }
    assert not drifted, f"installed versions differ from the lock (locked, installed): {drifted}"


def test_the_install_and_the_images_use_the_lock() -> None:
    for requirements in ("runtime.txt", "test.txt"):
        lines = (ROOT / "requirements" / requirements).read_text().splitlines()
        assert "-c constraints.txt" in lines, requirements
    for dockerfile in ("backend-core/Dockerfile", "ai-worker/Dockerfile"):
        text = (ROOT / dockerfile).read_text()
        installs = re.findall(r"pip install (?!--no-deps|\"torch)[^\n]*", text)
        installs = [line for line in installs if "requirements/engine.txt" not in line]
        assert installs, dockerfile
        for line in installs:
            assert "-c requirements/constraints.txt" in line, (dockerfile, line)


def test_every_declared_package_is_locked() -> None:
    """Extras the tests never install (deepface) included: a package with no pin would be
    whatever the index serves on the day an image is built."""
    locked, deepface_locked = _locked(), _locked(DEEPFACE_LOCK)
    overlap = {
        name: (version, locked[name])
        for name, version in deepface_locked.items()
        if name in locked and locked[name] != version
    }
    assert not overlap, f"the deepface lock contradicts constraints.txt: {overlap}"
    pins = locked | deepface_locked
    declared = _declared()
    assert any(r.name == "deepface" for r in declared["ai-worker/pyproject.toml"])
    unpinned = sorted(
        f"{source}: {requirement}"
        for source, requirements in declared.items()
        for requirement in requirements
        if _normalized(requirement.name) not in OWN_PACKAGES | pins.keys()
    )
    assert not unpinned, f"declared but not locked: {unpinned}"
    # Where a file pins a version itself, it is the locked one.
    disagree = sorted(
        f"{source}: {requirement} (locked {pins[_normalized(requirement.name)]})"
        for source, requirements in declared.items()
        for requirement in requirements
        if _normalized(requirement.name) in pins
        and not requirement.specifier.contains(
            pins[_normalized(requirement.name)], prereleases=True
        )
    )
    assert not disagree, f"declared versions the lock does not satisfy: {disagree}"


def test_the_deepface_image_uses_the_deepface_lock() -> None:
    text = (ROOT / "ai-worker" / "Dockerfile").read_text()
    branch = re.search(r'if \[ "\$WITH_DEEPFACE" = "1" \]; then(.*?); fi', text, re.S)
    assert branch and "[deepface]" in branch.group(1), "the WITH_DEEPFACE install is gone"
    assert "-c requirements/constraints-deepface.txt" in branch.group(1)


def test_every_compose_image_names_a_release() -> None:
    """An image without a tag is whatever `latest` is on the day of the pull."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    untagged = {
        name: service["image"]
        for name, service in services.items()
        if "image" in service
        and (":" not in service["image"].rsplit("/", 1)[-1] or service["image"].endswith(":latest"))
    }
    assert not untagged, f"compose images without a release tag: {untagged}"
    assert services["minio"]["image"].startswith("minio/minio:RELEASE.")
    assert services["minio-init"]["image"].startswith("minio/mc:RELEASE.")
