"""The multiprocess directory of a worker's Prometheus metrics, chosen before prometheus_client
is imported (it decides at import whether metric values live in files or in memory)."""

import os
import shutil
import tempfile
from pathlib import Path

from interview_contracts.queues import WorkerRole

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics_dir(role: WorkerRole, port: int | None) -> Path | None:
    """A fresh directory for this worker's processes, or None when metrics are off.

    Per main process (role and pid) in the temporary directory, never in DATA_DIR: workers in
    other containers share that volume and may run under the same pid. Prefork children inherit
    the environment variable and so write their files beside the main process's.
    """
    if port is None:
        return None
    name = f"interview-worker-metrics-{role.value}-{os.getpid()}"
    directory = Path(tempfile.gettempdir()) / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory
