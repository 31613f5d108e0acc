"""Reference rules: objects a pod needs before it can start. kubelet (makeEnvironmentVariables,
the configMap/secret volume plugins) refuses to start a container whose non-optional
ConfigMap, Secret or key is missing; admission refuses the pod itself when its
ServiceAccount or PriorityClass is missing; the scheduler leaves it Pending while its PVC is
missing. The wiring stage (kplan.plan.wiring.references) emits these findings, and only for
kinds the snapshot recorded (or with no snapshot: an empty cluster)."""

from __future__ import annotations

from kplan.rules import ERROR, declare

FAMILY = "references"

MISSING_CONFIGMAP = declare(
    "missing-configmap",
    ERROR,
    "A pod template uses a ConfigMap (not optional) that does not exist in its namespace.",
    FAMILY,
)
MISSING_SECRET = declare(
    "missing-secret",
    ERROR,
    "A pod template uses a Secret (not optional) that does not exist in its namespace.",
    FAMILY,
)
MISSING_KEY = declare(
    "missing-key",
    ERROR,
    "A pod template uses a key (not optional) that its ConfigMap or Secret does not hold.",
    FAMILY,
)
MISSING_SERVICEACCOUNT = declare(
    "missing-serviceaccount",
    ERROR,
    "A pod template runs as a ServiceAccount that does not exist: pods are refused.",
    FAMILY,
)
MISSING_PVC = declare(
    "missing-pvc",
    ERROR,
    "A pod template mounts a PersistentVolumeClaim that does not exist: pods stay Pending.",
    FAMILY,
)
MISSING_PRIORITYCLASS = declare(
    "missing-priorityclass",
    ERROR,
    "A pod template names a PriorityClass that does not exist: pods are refused.",
    FAMILY,
)
