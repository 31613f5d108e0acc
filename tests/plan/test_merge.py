"""Three-way merge as `kubectl apply` computes it: kubernetes.io "Declarative Management of
Kubernetes Objects Using Configuration Files" (How apply calculates differences and merges
changes; Merging changes to primitive fields, map fields, fields of type list), and
k8s.io/apimachinery pkg/util/strategicpatch (patchMergeKey, retainKeys, merging primitive
lists)."""

from __future__ import annotations

from typing import Any

from kplan.plan.merge import three_way_merge
from kplan.plan.model import ABSENT
from kplan.schema.structure import structure

S = structure("1.33")
DEPLOYMENT = S.root("apps/v1", "Deployment")


def deployment(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", **metadata},
        "spec": spec,
    }


def container(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, **fields}


def pod_spec(*containers: dict[str, Any]) -> dict[str, Any]:
    return {"template": {"spec": {"containers": list(containers)}}}


def merged(live: dict[str, Any], desired: dict[str, Any], last: Any = ABSENT) -> dict[str, Any]:
    return three_way_merge(live, desired, last, S, DEPLOYMENT)


def test_field_removed_from_manifest_is_removed_only_if_last_applied_had_it() -> None:
    """'Fields to delete: present in last-applied, missing from the configuration file';
    fields only in live (set by others, e.g. `kubectl scale`) are kept."""
    live = deployment({"replicas": 3, "minReadySeconds": 5})
    desired = deployment({})
    assert merged(live, desired, deployment({"replicas": 3}))["spec"] == {"minReadySeconds": 5}
    assert merged(live, desired, deployment({}))["spec"] == {"replicas": 3, "minReadySeconds": 5}
    assert merged(live, desired)["spec"] == {"replicas": 3, "minReadySeconds": 5}  # no annotation


def test_containers_merge_by_name_keeping_live_defaults() -> None:
    """containers: patchStrategy merge, patchMergeKey name. A defaulted field of the live
    container (imagePullPolicy) survives; the image changes."""
    live = deployment(
        pod_spec(
            container("app", image="app:1", imagePullPolicy="IfNotPresent"),
            container("sidecar", image="proxy:1"),
        )
    )
    desired = deployment(pod_spec(container("app", image="app:2")))
    last = deployment(pod_spec(container("app", image="app:1")))
    containers = merged(live, desired, last)["spec"]["template"]["spec"]["containers"]
    # the sidecar was never applied by kubectl (an injector added it): kept
    assert containers == [
        {"name": "app", "image": "app:2", "imagePullPolicy": "IfNotPresent"},
        {"name": "sidecar", "image": "proxy:1"},
    ]


def test_container_removed_from_manifest_is_removed() -> None:
    live = deployment(pod_spec(container("a", image="a"), container("b", image="b")))
    last = deployment(pod_spec(container("a", image="a"), container("b", image="b")))
    desired = deployment(pod_spec(container("a", image="a")))
    containers = merged(live, desired, last)["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["a"]


def test_lists_without_merge_key_are_replaced_whole() -> None:
    """args has no patch strategy: the manifest's list replaces the live one."""
    live = deployment(pod_spec(container("a", args=["--x", "--y"])))
    desired = deployment(pod_spec(container("a", args=["--x"])))
    containers = merged(live, desired)["spec"]["template"]["spec"]["containers"]
    assert containers[0]["args"] == ["--x"]


def test_retain_keys_clears_rolling_update_when_strategy_changes() -> None:
    """Deployment spec.strategy is `retainKeys`: switching to Recreate drops the defaulted
    rollingUpdate that a plain merge would keep (and the server would reject)."""
    live = deployment(
        {
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            }
        }
    )
    desired = deployment({"strategy": {"type": "Recreate"}})
    assert merged(live, desired, deployment({}))["spec"]["strategy"] == {"type": "Recreate"}


def test_labels_merge_key_by_key() -> None:
    live = deployment({}, labels={"app": "web", "team": "a", "added-by-tool": "x"})
    desired = deployment({}, labels={"app": "web", "team": "b"})
    last = deployment({}, labels={"app": "web", "team": "a"})
    assert merged(live, desired, last)["metadata"]["labels"] == {
        "app": "web",
        "team": "b",
        "added-by-tool": "x",
    }


def test_explicit_null_deletes() -> None:
    live = deployment({"replicas": 3, "paused": True})
    assert merged(live, deployment({"paused": None}))["spec"] == {"replicas": 3}


def test_duplicate_merge_keys_fall_back_to_replacing_the_list() -> None:
    """Two ports with one containerPort (TCP and UDP 53) cannot be matched by the merge key
    alone; the list is taken whole from the manifest rather than merged wrongly."""
    ports = [{"containerPort": 53, "protocol": "UDP"}, {"containerPort": 53, "protocol": "TCP"}]
    live = deployment(pod_spec(container("dns", ports=ports)))
    desired = deployment(pod_spec(container("dns", ports=ports[:1])))
    containers = merged(live, desired)["spec"]["template"]["spec"]["containers"]
    assert containers[0]["ports"] == ports[:1]
