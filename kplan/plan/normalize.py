"""Both sides of a diff in the form the API server stores, so that equal means unchanged.

- Server-owned metadata and `status` are dropped from both sides: nobody applies them.
- `creationTimestamp: null` (pod templates of exported workloads) is dropped.
- Quantities in resource lists are written as the server stores them (`0.5` -> `500m`,
  `1024Mi` -> `1Gi`, rounded up to milli): k8s.io/apimachinery resource.Quantity.String and
  SetDefaults_ResourceList.
- Secret `stringData` is merged into `data` (base64), as the API server does on write.
- StatefulSet claim templates lose what the server adds to them (apiVersion, kind, status).
"""

from __future__ import annotations

import base64
import json
from typing import Any

SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_RESOURCE_LIST_KEYS = ("requests", "limits")
_LIMIT_RANGE_KEYS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")


def clean(body: dict[str, Any]) -> dict[str, Any]:
    """A deep copy without status, server metadata, the last-applied annotation and
    `creationTimestamp: null` anywhere; quantities canonical; Secret stringData in data."""
    result = _canonical_copy(body, body.get("kind"))
    result.pop("status", None)
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        for key in SERVER_METADATA:
            metadata.pop(key, None)
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict):
            annotations.pop(LAST_APPLIED, None)
            if not annotations:
                metadata.pop("annotations", None)
    if result.get("kind") == "Secret" and result.get("apiVersion") == "v1":
        _merge_string_data(result)
    if result.get("kind") == "StatefulSet":
        plain_claim_templates(result)
    return result


def plain_claim_templates(stateful_set: dict[str, Any]) -> None:
    """The API server returns each volumeClaimTemplate with `apiVersion: v1`, `kind:
    PersistentVolumeClaim` and `status: {phase: Pending}` (it stores full PVC objects), and
    the list is atomic: without this, every applied StatefulSet with claims would differ."""
    spec = stateful_set.get("spec")
    templates = spec.get("volumeClaimTemplates") if isinstance(spec, dict) else None
    if not isinstance(templates, list):
        return
    for template in templates:
        if not isinstance(template, dict):
            continue
        template.pop("status", None)
        if template.get("apiVersion") == "v1":
            template.pop("apiVersion")
        if template.get("kind") == "PersistentVolumeClaim":
            template.pop("kind")


def last_applied(body: dict[str, Any]) -> dict[str, Any] | None:
    """The configuration `kubectl apply` recorded on the live object, cleaned like the
    manifest; None when there is none or it is not a JSON object."""
    annotations = body.get("metadata", {}).get("annotations")
    text = annotations.get(LAST_APPLIED) if isinstance(annotations, dict) else None
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return clean(value) if isinstance(value, dict) else None


def _canonical_copy(value: dict[str, Any], kind: object, parent: str = "") -> dict[str, Any]:
    """A deep copy of decoded JSON leaving out every `creationTimestamp: null` and with the
    quantities of every ResourceList canonical: one walk instead of copy.deepcopy plus two
    (five times faster on big objects)."""
    result: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict):
            if _is_resource_list(kind, parent, key):
                item = dict(item)
                _canonical_list(item)
                result[key] = item
            else:
                result[key] = _canonical_copy(item, kind, key)
        elif isinstance(item, list):
            result[key] = [_copy_item(entry, kind, key) for entry in item]
        elif item is not None or key != "creationTimestamp":
            result[key] = item
    return result


def _copy_item(value: Any, kind: object, parent: str) -> Any:
    if isinstance(value, dict):
        return _canonical_copy(value, kind, parent)
    if isinstance(value, list):
        return [_copy_item(entry, kind, parent) for entry in value]
    return value


def canonical_quantities(body: dict[str, Any]) -> None:
    """Rewrite, in place, the quantities of every ResourceList the object holds."""
    stack: list[tuple[Any, str]] = [(body, "")]
    kind = body.get("kind")
    while stack:
        current, parent = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                if _is_resource_list(kind, parent, key) and isinstance(value, dict):
                    _canonical_list(value)
                elif isinstance(value, (dict, list)):
                    stack.append((value, key))
        elif isinstance(current, list):
            stack.extend((item, parent) for item in current if isinstance(item, (dict, list)))


def _is_resource_list(kind: object, parent: str, key: str) -> bool:
    if key in _RESOURCE_LIST_KEYS and parent == "resources":
        return True
    if key == "overhead" or (key in ("hard", "used") and kind == "ResourceQuota"):
        return True
    return kind == "LimitRange" and parent == "limits" and key in _LIMIT_RANGE_KEYS


def _canonical_list(resources: dict[str, Any]) -> None:
    from kplan.k8s.quantity import QuantityError, canonicalize_resource

    for name, value in resources.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            try:
                resources[name] = canonicalize_resource(value)
            except QuantityError:
                continue  # validation reports it; the diff shows it as written


def _merge_string_data(secret: dict[str, Any]) -> None:
    string_data = secret.pop("stringData", None)
    if not isinstance(string_data, dict):
        return
    data = secret.get("data")
    if not isinstance(data, dict):
        data = {}
        secret["data"] = data
    for key, value in string_data.items():
        if isinstance(value, str):
            data[key] = base64.b64encode(value.encode("utf-8")).decode("ascii")
