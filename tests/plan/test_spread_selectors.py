"""The selectors that make PodTopologySpread's system-default constraints apply to a pod
(kube-scheduler pkg/scheduler/framework/plugins/helper DefaultSelector: the Services,
ReplicationControllers, ReplicaSets and StatefulSets of the pod's namespace whose selector
matches it; a Service's or ReplicationController's selector is a plain map, the others' a
LabelSelector). kplan files each selector under one label pair it requires; the result must
be the plain definition's, in the objects' order, on any input."""

from __future__ import annotations

import random
from typing import Any

from kplan.k8s.selectors import label_selector_to_selector
from kplan.plan.placement import _spread_selectors
from kplan.plan.pod_model import PodView
from kplan.plan.wiring.objects import WiredObject

KINDS = [("v1", "Service"), ("v1", "ReplicationController"), ("apps/v1", "ReplicaSet")]
KINDS += [("apps/v1", "StatefulSet"), ("apps/v1", "Deployment"), ("v1", "ConfigMap")]
KEYS, VALUES = ["app", "tier", "team"], ["a", "b"]


def _labels(rng: random.Random) -> dict[str, str]:
    return {key: rng.choice(VALUES) for key in KEYS if rng.random() < 0.6}


def _selector(rng: random.Random, kind: str) -> dict[str, Any]:
    if kind in ("Service", "ReplicationController"):
        return _labels(rng)
    selector: dict[str, Any] = {}
    if rng.random() < 0.7:
        selector["matchLabels"] = _labels(rng)
    if rng.random() < 0.4:
        operator = rng.choice(["In", "NotIn", "Exists", "DoesNotExist"])
        expression: dict[str, Any] = {"key": rng.choice(KEYS), "operator": operator}
        if operator in ("In", "NotIn"):
            expression["values"] = rng.sample(VALUES, rng.randint(1, 2))
        selector["matchExpressions"] = [expression]
    return selector


def _plain_definition(objects: list[WiredObject], pod: PodView) -> list[Any]:
    found = []
    for obj in objects:
        if obj.kind == "ConfigMap" or obj.namespace != pod.namespace:
            continue
        selector = obj.body["spec"]["selector"]
        if not selector:
            continue
        if obj.kind in ("Service", "ReplicationController"):
            matched = all(pod.labels.get(k) == v for k, v in selector.items())
        else:
            matched = label_selector_to_selector(selector).matches(pod.labels)
        if matched:
            found.append(selector)
    return found


def test_indexed_selectors_equal_the_plain_definition() -> None:
    rng = random.Random(20261203)
    for _ in range(300):
        objects = []
        for index in range(rng.randint(0, 12)):
            api_version, kind = rng.choice(KINDS)
            namespace = rng.choice(["one", "two"])
            body = {"spec": {"selector": _selector(rng, kind)}}
            ref = f"{kind}/{namespace}/o{index}"
            objects.append(WiredObject(ref, api_version, kind, namespace, f"o{index}", body))
        selectors = _spread_selectors(objects)
        for _ in range(10):
            namespace = rng.choice(["one", "two"])
            pod = PodView(namespace=namespace, name="p", labels=_labels(rng), spec={})
            assert selectors(pod) == _plain_definition(objects, pod)
