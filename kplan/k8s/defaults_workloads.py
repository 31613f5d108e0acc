"""Defaults of the workload kinds: apps/v1 and batch/v1.

Upstream: kubernetes/kubernetes pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment,
SetDefaults_ReplicaSet, SetDefaults_StatefulSet, SetDefaults_DaemonSet) and
pkg/apis/batch/v1/defaults.go (SetDefaults_Job, SetDefaults_CronJob); the pod templates get
kplan.k8s.defaults_pod, as pkg/apis/{apps,batch}/v1/zz_generated.defaults.go wire it.
Feature gates are taken at their default for the version (pkg/features/
versioned_kube_features.go).

Not applied: the Job registry's generated selector and `controller-uid` / `job-name` template
labels (pkg/registry/batch/job/strategy.go): they carry the Job's uid, which nobody can
predict offline. The planner keeps the live values (see allocated_fields).
"""

from __future__ import annotations

from typing import Any

from kplan.k8s.defaults_base import (
    Version,
    child,
    dicts,
    ensure_child,
    non_empty,
    set_if_empty_string,
    set_if_nil,
)
from kplan.k8s.defaults_pod import default_claim_spec, default_pod_template

# StatefulSetAutoDeletePVC: alpha 1.23, beta and on by default 1.27, GA 1.32.
STATEFULSET_PVC_RETENTION_FROM: Version = (1, 27)
# MaxUnavailableStatefulSet: alpha 1.24, beta and on by default 1.35.
STATEFULSET_MAX_UNAVAILABLE_FROM: Version = (1, 35)
# JobPodReplacementPolicy: alpha 1.28, beta and on by default 1.29, GA 1.34.
JOB_POD_REPLACEMENT_POLICY_FROM: Version = (1, 29)
# JobBackoffLimitPerIndex: alpha 1.28, beta and on by default 1.29 (before that the field is
# dropped, so backoffLimit stays 6).
JOB_BACKOFF_LIMIT_PER_INDEX_FROM: Version = (1, 29)
# `manualSelector: false` default: kubernetes/kubernetes PR #120206 (opened after the 1.28
# release). Assumed to ship in 1.29; not pinned to a release tag.
JOB_MANUAL_SELECTOR_FROM: Version = (1, 29)
# podFailurePolicy onPodConditions[].status "True": in SetDefaults_Job (Job objects only) in
# every release kplan covers. In a CronJob's jobTemplate it needs the type-level defaulter
# SetDefaults_PodFailurePolicyOnPodConditionsPattern (kubernetes/kubernetes issue #131512,
# filed against 1.33). Assumed to ship in 1.34.
CRONJOB_POD_FAILURE_STATUS_FROM: Version = (1, 34)
MAX_INT32 = 2**31 - 1


def _template(spec: dict[str, Any], version: Version) -> None:
    template = child(spec, "template")
    if template is not None:
        default_pod_template(template, version)


def default_deployment(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    set_if_nil(spec, "replicas", 1)
    strategy = ensure_child(spec, "strategy")
    if strategy is not None:
        set_if_empty_string(strategy, "type", "RollingUpdate")
        if strategy.get("type") == "RollingUpdate":
            rolling = ensure_child(strategy, "rollingUpdate")
            if rolling is not None:
                set_if_nil(rolling, "maxUnavailable", "25%")
                set_if_nil(rolling, "maxSurge", "25%")
    set_if_nil(spec, "revisionHistoryLimit", 10)
    set_if_nil(spec, "progressDeadlineSeconds", 600)
    _template(spec, version)


def default_replica_set(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    set_if_nil(spec, "replicas", 1)
    _template(spec, version)


def default_daemon_set(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    strategy = ensure_child(spec, "updateStrategy")
    if strategy is not None:
        set_if_empty_string(strategy, "type", "RollingUpdate")
        if strategy.get("type") == "RollingUpdate":
            rolling = ensure_child(strategy, "rollingUpdate")
            if rolling is not None:
                set_if_nil(rolling, "maxUnavailable", 1)
                set_if_nil(rolling, "maxSurge", 0)
    set_if_nil(spec, "revisionHistoryLimit", 10)
    _template(spec, version)


def default_stateful_set(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    set_if_empty_string(spec, "podManagementPolicy", "OrderedReady")
    _stateful_set_strategy(spec, version)
    if version >= STATEFULSET_PVC_RETENTION_FROM:
        policy = ensure_child(spec, "persistentVolumeClaimRetentionPolicy")
        if policy is not None:
            set_if_empty_string(policy, "whenDeleted", "Retain")
            set_if_empty_string(policy, "whenScaled", "Retain")
    set_if_nil(spec, "replicas", 1)
    set_if_nil(spec, "revisionHistoryLimit", 10)
    _template(spec, version)
    for claim in dicts(spec.get("volumeClaimTemplates")):
        claim_spec = child(claim, "spec")
        if claim_spec is not None:
            default_claim_spec(claim_spec)
        status = ensure_child(claim, "status")  # SetDefaults_PersistentVolumeClaim
        if status is not None:
            set_if_empty_string(status, "phase", "Pending")


def _stateful_set_strategy(spec: dict[str, Any], version: Version) -> None:
    """An unset type becomes RollingUpdate with `rollingUpdate: {}`; an explicit
    RollingUpdate without rollingUpdate stays without it."""
    strategy = ensure_child(spec, "updateStrategy")
    if strategy is None:
        return
    if strategy.get("type") in (None, ""):
        strategy["type"] = "RollingUpdate"
        set_if_nil(strategy, "rollingUpdate", {})
    rolling = child(strategy, "rollingUpdate")
    if strategy.get("type") == "RollingUpdate" and rolling is not None:
        set_if_nil(rolling, "partition", 0)
        if version >= STATEFULSET_MAX_UNAVAILABLE_FROM:
            set_if_nil(rolling, "maxUnavailable", 1)


def default_job(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    _job_spec(spec, version)
    template = child(spec, "template")
    metadata = child(template, "metadata") if template is not None else None
    labels = child(metadata, "labels") if metadata is not None else None
    body_metadata = ensure_child(body, "metadata")
    if labels is not None and body_metadata is not None:
        if not non_empty(body_metadata.get("labels")):
            body_metadata["labels"] = dict(labels)
    _pod_failure_statuses(spec)
    _template(spec, version)


def _job_spec(spec: dict[str, Any], version: Version) -> None:
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    set_if_nil(spec, "parallelism", 1)
    per_index = spec.get("backoffLimitPerIndex") is not None
    if per_index and version >= JOB_BACKOFF_LIMIT_PER_INDEX_FROM:
        set_if_nil(spec, "backoffLimit", MAX_INT32)
    set_if_nil(spec, "backoffLimit", 6)
    set_if_nil(spec, "completionMode", "NonIndexed")
    set_if_nil(spec, "suspend", False)
    if version >= JOB_POD_REPLACEMENT_POLICY_FROM:
        with_policy = spec.get("podFailurePolicy") is not None
        set_if_nil(spec, "podReplacementPolicy", "Failed" if with_policy else "TerminatingOrFailed")
    if version >= JOB_MANUAL_SELECTOR_FROM:
        set_if_nil(spec, "manualSelector", False)


def _pod_failure_statuses(spec: dict[str, Any]) -> None:
    policy = child(spec, "podFailurePolicy")
    if policy is None:
        return
    for rule in dicts(policy.get("rules")):
        for pattern in dicts(rule.get("onPodConditions")):
            set_if_empty_string(pattern, "status", "True")


def default_cron_job(body: dict[str, Any], version: Version) -> None:
    """SetDefaults_CronJob; the jobTemplate's Job spec is NOT given SetDefaults_Job (it is
    not a Job object), only its pod template's defaults."""
    spec = child(body, "spec")
    if spec is None:
        return
    set_if_empty_string(spec, "concurrencyPolicy", "Allow")
    set_if_nil(spec, "suspend", False)
    set_if_nil(spec, "successfulJobsHistoryLimit", 3)
    set_if_nil(spec, "failedJobsHistoryLimit", 1)
    job_template = child(spec, "jobTemplate")
    job_spec = child(job_template, "spec") if job_template is not None else None
    if job_spec is None:
        return
    if version >= CRONJOB_POD_FAILURE_STATUS_FROM:
        _pod_failure_statuses(job_spec)
    _template(job_spec, version)
