"""Put on PYTHONPATH of every inference worker the tests start: any import of the backend's
package fails, so a worker that reached past the contracts would not start or would fail its
tasks, in every test that uses it."""

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class RefuseBackendImports:
    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "interview_core" or name.startswith("interview_core."):
            raise ImportError(f"{name}: an inference worker imports only interview_contracts")
        return None


sys.meta_path.insert(0, RefuseBackendImports())
