"""Reading recorded objects the way the controllers read them: pod template equality,
controller ownership, creation order and pod health.

Template equality is the deployment controller's `EqualIgnoreHash`
(pkg/controller/deployment/util/deployment_util.go): both templates without the
`pod-template-hash` label, compared with `apiequality.Semantic.DeepEqual`, which compares
Quantities by value and treats nil and empty slices and maps alike. kplan compares
canonical JSON instead: quantities rewritten as the API server stores them
(kplan.plan.normalize), `creationTimestamp: null` dropped, and absent == null == {} == []
(kplan.plan.fielddiff.same). Lists stay ordered, so a reordered `env` is a change, as
upstream.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from kplan.k8s.jsoncopy import deep_copy
from kplan.plan.fielddiff import same
from kplan.plan.normalize import canonical_quantities

POD_TEMPLATE_HASH = "pod-template-hash"
REVISION_HASH = "controller-revision-hash"
TEMPLATE_GENERATION = "pod-template-generation"

_ZERO_TIME = datetime.min.replace(tzinfo=timezone.utc)


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_int(value: object, default: int = 0) -> int:
    """An int field; anything else (absent, null, wrong type) is `default`."""
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value


def metadata(obj: dict[str, Any]) -> dict[str, Any]:
    return as_dict(obj.get("metadata"))


def name_of(obj: dict[str, Any]) -> str:
    name = metadata(obj).get("name")
    return name if isinstance(name, str) else ""


def labels_of(obj: dict[str, Any]) -> dict[str, Any]:
    return as_dict(metadata(obj).get("labels"))


def annotations_of(obj: dict[str, Any]) -> dict[str, Any]:
    return as_dict(metadata(obj).get("annotations"))


def spec_of(obj: dict[str, Any]) -> dict[str, Any]:
    return as_dict(obj.get("spec"))


def template_of(obj: dict[str, Any]) -> dict[str, Any]:
    return as_dict(spec_of(obj).get("template"))


def canonical_template(template: dict[str, Any], ignore_hash: bool = True) -> dict[str, Any]:
    """A deep copy in the form templates are compared in (see the module docstring)."""
    result = deep_copy(template)
    meta = result.get("metadata")
    if isinstance(meta, dict):
        if meta.get("creationTimestamp", 0) is None:
            del meta["creationTimestamp"]
        labels = meta.get("labels")
        if ignore_hash and isinstance(labels, dict):
            labels.pop(POD_TEMPLATE_HASH, None)
    canonical_quantities(result)
    return result


def templates_equal(left: dict[str, Any], right: dict[str, Any], ignore_hash: bool = True) -> bool:
    """EqualIgnoreHash (ignore_hash=True), or plain semantic equality of two templates.
    Templates that are the same as they are (the usual unchanged workload) are found without
    the canonical copies: canonical forms of the same values are the same."""
    if ignore_hash:
        left, right = _without_hash(left), _without_hash(right)
    return same(left, right) or same(
        canonical_template(left, ignore_hash), canonical_template(right, ignore_hash)
    )


def _without_hash(template: dict[str, Any]) -> dict[str, Any]:
    """The template without the pod-template-hash label; copies only the dicts on the way."""
    labels = labels_of(template)
    if POD_TEMPLATE_HASH not in labels:
        return template
    labels = {key: value for key, value in labels.items() if key != POD_TEMPLATE_HASH}
    return {**template, "metadata": {**metadata(template), "labels": labels}}


def controlled_by(child: dict[str, Any], kind: str, owner: dict[str, Any]) -> bool:
    """metav1.IsControlledBy: the child's controller ownerReference names `owner` (by kind and
    name, and by uid when both sides carry one; a planned owner has none)."""
    owner_meta = metadata(owner)
    owner_uid = owner_meta.get("uid")
    for reference in as_list(metadata(child).get("ownerReferences")):
        if not isinstance(reference, dict) or reference.get("controller") is not True:
            continue
        if reference.get("kind") != kind or reference.get("name") != owner_meta.get("name"):
            continue
        uid = reference.get("uid")
        return not (uid and owner_uid and uid != owner_uid)
    return False


def creation_time(obj: dict[str, Any]) -> datetime:
    """metadata.creationTimestamp; missing or unreadable is Go's zero time (the oldest)."""
    text = metadata(obj).get("creationTimestamp")
    if not isinstance(text, str):
        return _ZERO_TIME
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _ZERO_TIME
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _conditions(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in as_list(as_dict(pod.get("status")).get("conditions")) if isinstance(c, dict)]


def pod_phase(pod: dict[str, Any]) -> str:
    phase = as_dict(pod.get("status")).get("phase")
    return phase if isinstance(phase, str) else ""


def pod_is_terminating(pod: dict[str, Any]) -> bool:
    return metadata(pod).get("deletionTimestamp") is not None


def pod_is_ready(pod: dict[str, Any]) -> bool:
    """podutil.IsPodReady: the Ready condition is True."""
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in _conditions(pod))


def pod_is_running_and_ready(pod: dict[str, Any]) -> bool:
    """isRunningAndReady (statefulset): phase Running and Ready. minReadySeconds is taken as
    elapsed (the step model), so ready means available."""
    return pod_phase(pod) == "Running" and pod_is_ready(pod)


def pod_is_terminal(pod: dict[str, Any]) -> bool:
    return pod_phase(pod) in ("Failed", "Succeeded")
