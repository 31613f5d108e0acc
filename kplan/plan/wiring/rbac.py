"""Who may create objects at run time: RBAC grants of the final state, resolved to the
workloads that hold them.

Operators and setup Jobs create Secrets and pods that no manifest lists (ingress-nginx's
admission Job writes its certificate Secret; the prometheus-operator creates Prometheus
pods). A static plan cannot see those objects, but it can see that some workload of the
input is *allowed* to create them in a namespace, and then say "missing" or "selects
nothing" more softly. Authorization follows kubernetes/kubernetes
plugin/pkg/auth/authorizer/rbac (RuleAllows: apiGroups, resources and verbs match, `*`
matches all; a rule with resourceNames never allows `create`, whose request has no name
yet) and the bootstrap ClusterRoles every cluster has (cluster-admin, admin, edit:
plugin/pkg/auth/authorizer/rbac/bootstrappolicy).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kplan.plan.wiring.objects import WiredObject
from kplan.plan.wiring.templates import pod_template

RBAC_GROUP = "rbac.authorization.k8s.io"
# Bootstrap roles that allow creating anything kplan asks about (admin and edit cover the
# core and apps/batch resources of a namespace).
BOOTSTRAP_CREATORS = frozenset({"cluster-admin", "admin", "edit"})

Resource = tuple[str, str]  # (API group, plural resource)
SECRETS: frozenset[Resource] = frozenset({("", "secrets")})
POD_MAKERS: frozenset[Resource] = frozenset(
    {
        ("", "pods"),
        ("", "replicationcontrollers"),
        ("apps", "deployments"),
        ("apps", "replicasets"),
        ("apps", "statefulsets"),
        ("apps", "daemonsets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
    }
)


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def rule_allows_create(rule: Any, wanted: Iterable[Resource]) -> bool:
    """Whether one PolicyRule allows `create` on any of the wanted resources."""
    if not isinstance(rule, dict) or _strings(rule.get("resourceNames")):
        return False
    verbs = _strings(rule.get("verbs"))
    if "create" not in verbs and "*" not in verbs:
        return False
    groups = _strings(rule.get("apiGroups"))
    resources = _strings(rule.get("resources"))
    return any(
        (group in groups or "*" in groups) and (resource in resources or "*" in resources)
        for group, resource in wanted
    )


def _role_allows(role: WiredObject | None, name: str, wanted: frozenset[Resource]) -> bool:
    if role is None:
        return name in BOOTSTRAP_CREATORS
    return any(rule_allows_create(rule, wanted) for rule in role.body.get("rules") or [])


class Creators:
    """Workloads whose ServiceAccount may create given resources, per namespace."""

    def __init__(self, objects: Iterable[WiredObject]) -> None:
        self.roles: dict[tuple[str, str, str], WiredObject] = {}
        self.bindings: list[WiredObject] = []
        self.workloads: dict[tuple[str, str], list[str]] = {}
        for obj in objects:
            if obj.group == RBAC_GROUP and obj.kind in ("Role", "ClusterRole"):
                self.roles[(obj.kind, obj.namespace, obj.name)] = obj
            elif obj.group == RBAC_GROUP and obj.kind in ("RoleBinding", "ClusterRoleBinding"):
                self.bindings.append(obj)
            elif obj.kind != "PodTemplate":
                template = pod_template(obj)
                if template is None:
                    continue
                spec = template.spec
                account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
                self.workloads.setdefault((obj.namespace, str(account)), []).append(obj.ref)
        self._cache: dict[tuple[str, frozenset[Resource]], list[str]] = {}

    def in_namespace(self, namespace: str, wanted: frozenset[Resource]) -> list[str]:
        """Refs of workloads that may create a wanted resource in `namespace`, sorted."""
        key = (namespace, wanted)
        if key not in self._cache:
            self._cache[key] = self._compute(namespace, wanted)
        return self._cache[key]

    def _compute(self, namespace: str, wanted: frozenset[Resource]) -> list[str]:
        found: set[str] = set()
        for binding in self.bindings:
            if binding.kind == "RoleBinding" and binding.namespace != namespace:
                continue
            ref = binding.body.get("roleRef")
            if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
                continue
            kind = ref.get("kind")
            scope = binding.namespace if kind == "Role" else ""
            role = self.roles.get((str(kind), scope, ref["name"]))
            if kind not in ("Role", "ClusterRole") or (kind == "Role" and role is None):
                continue
            if not _role_allows(role, ref["name"], wanted):
                continue
            for subject in binding.body.get("subjects") or []:
                if not isinstance(subject, dict) or subject.get("kind") != "ServiceAccount":
                    continue
                subject_namespace = subject.get("namespace") or binding.namespace
                found.update(self.workloads.get((subject_namespace, str(subject.get("name"))), ()))
        return sorted(found)
