"""The core worker's answer to a routing check: which process of which role took the ping."""

import os
import socket
from typing import Any

from interview_contracts.payloads import PingPayload, PingResult
from interview_contracts.queues import WorkerRole
from interview_contracts.tasks import TaskName
from interview_core.broker.tasking import core_task


@core_task(TaskName.PING_CORE, bind=True, autoretry_for=())
def ping_core(self: Any, payload: dict[str, Any]) -> dict[str, Any]:
    request = PingPayload.model_validate(payload)
    delivery = self.request.delivery_info or {}
    return PingResult(
        nonce=request.nonce,
        hostname=self.request.hostname or socket.gethostname(),
        role=WorkerRole.CORE,
        queue=str(delivery.get("routing_key") or ""),
        pid=os.getpid(),
    ).model_dump(mode="json")
