"""requirements/constraints.txt locks every Python dependency: the install and both images use
it, and the environment the tests run in is exactly what it says."""

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "constraints.txt"


def _locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


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
