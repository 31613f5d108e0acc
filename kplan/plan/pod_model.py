"""The pods a plan reasons about: the cluster's recorded pods and the pods workloads would create.

Scheduling, wiring and rollouts all need the same view of a pod (labels, namespace, spec,
owner, where it runs), so it is one small plain type shared by those stages. Workload
expansion (kplan.plan.pods) builds the planned ones; recorded ones come from the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kplan.plan.model import Location


@dataclass
class PodView:
    """One pod, planned or recorded.

    `spec` is the pod spec as the API server would store it (server defaults applied for
    planned pods). `owner` is the controlling workload as `Kind/namespace/name` (a
    Deployment's pods name the Deployment, not its ReplicaSet) or None for a bare pod;
    `replica` is the pod's ordinal within its owner (StatefulSet ordinal, else 0..N-1).
    Recorded pods carry what the snapshot says (`node`, `phase`, `ready`, `pod_ip`); planned
    pods have `planned=True`, `phase` "Pending" and no node until scheduling places them.
    """

    namespace: str
    name: str
    labels: dict[str, str]
    spec: dict[str, Any]
    owner: str | None = None
    replica: int = 0
    planned: bool = False
    node: str | None = None
    phase: str = "Pending"
    ready: bool = False
    pod_ip: str | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    template_hash: str | None = None
    location: Location | None = None

    @property
    def ref(self) -> str:
        """`namespace/name`, the contract's way to name a pod."""
        return f"{self.namespace}/{self.name}"

    @property
    def terminal(self) -> bool:
        """Succeeded and Failed pods hold no resources and receive no traffic."""
        return self.phase in ("Succeeded", "Failed")
