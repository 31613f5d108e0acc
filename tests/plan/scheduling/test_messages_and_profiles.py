"""FailedScheduling message composition and scheduler profiles."""

from __future__ import annotations

import pytest

from kplan.plan.scheduling import ProfileError, default_profile, profile_from_config
from kplan.plan.scheduling.framework import (
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Status,
    default_normalize_score,
)
from kplan.plan.scheduling.messages import fit_error_message, reason_histogram


def _s(*reasons: str, code: int = UNSCHEDULABLE) -> Status:
    return Status(code, *reasons)


def test_fit_error_histogram_sorted_as_go_strings() -> None:
    """framework/types.go FitError.Error: "<count> <reason>" entries sorted with sort.Strings
    (byte order of the whole entry: "10 ..." before "2 ...", uppercase before lowercase)."""
    statuses = [
        (_s("Insufficient cpu", "Insufficient memory"), 2),
        (_s("node(s) x"), 10),
        (_s("Insufficient cpu"), 1),
    ]
    assert reason_histogram(13, statuses, None) == (
        "10 node(s) x, 2 Insufficient memory, 3 Insufficient cpu"
    )


def test_fit_error_message_forms() -> None:
    """Real messages (issue #116133 and FailedScheduling events): a PostFilter message that
    is itself a FitError ends in "..", a PreFilter rejection replaces the histogram."""
    taint = _s(
        "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
        code=UNSCHEDULABLE_AND_UNRESOLVABLE,
    )
    inner = fit_error_message(1, [], _s("Preemption is not helpful for scheduling"))
    assert fit_error_message(1, [(taint, 1)], None, "", "preemption: " + inner) == (
        "0/1 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: "
        "1 Preemption is not helpful for scheduling.."
    )
    prefilter = 'persistentvolumeclaim "data" not found'
    assert fit_error_message(
        11,
        [],
        _s(prefilter),
        prefilter,
        "preemption: 0/11 nodes are available: 11 Preemption is not helpful for scheduling.",
    ) == (
        '0/11 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/11 '
        "nodes are available: 11 Preemption is not helpful for scheduling.."
    )
    assert fit_error_message(0, []) == "no nodes available to schedule pods"


def test_absent_nodes_count_in_histogram() -> None:
    """Nodes without an explicit status (outside a PreFilterResult) add the absent reason."""
    absent = _s(
        "node(s) didn't satisfy plugin(s) [NodeAffinity]", code=UNSCHEDULABLE_AND_UNRESOLVABLE
    )
    assert fit_error_message(4, [(_s("Insufficient cpu"), 1)], absent) == (
        "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) "
        "[NodeAffinity]."
    )


def test_default_normalize_score() -> None:
    """helper.DefaultNormalizeScore (normalize_score_test.go TestDefaultNormalizeScore)."""
    scores = [1, 2, 3, 4, 5]
    default_normalize_score(100, False, scores)
    assert scores == [20, 40, 60, 80, 100]
    scores = [1, 2, 3, 4, 5]
    default_normalize_score(100, True, scores)
    assert scores == [80, 60, 40, 20, 0]
    scores = [0, 0, 0]
    default_normalize_score(100, True, scores)
    assert scores == [100, 100, 100]
    scores = [1000, 10, 20, 30]
    default_normalize_score(10, False, scores)
    assert scores == [10, 0, 0, 0]


@pytest.mark.parametrize("version", [f"1.{minor}" for minor in range(25, 38)])
def test_default_profile_per_version(version: str) -> None:
    """default_plugins.go getDefaultPlugins + applyFeatureGates: the filter order, the score
    weights, in-tree volume limits up to 1.30, DynamicResources from 1.34."""
    profile = default_profile(version)
    minor = int(version.split(".")[1])
    expected_filters = [
        "NodeUnschedulable",
        "NodeName",
        "TaintToleration",
        "NodeAffinity",
        "NodePorts",
        "NodeResourcesFit",
        "VolumeRestrictions",
    ]
    if minor <= 30:
        expected_filters += ["EBSLimits", "GCEPDLimits", "NodeVolumeLimits", "AzureDiskLimits"]
    else:
        expected_filters += ["NodeVolumeLimits"]
    expected_filters += ["VolumeBinding", "VolumeZone", "PodTopologySpread", "InterPodAffinity"]
    if minor >= 34:
        expected_filters.append("DynamicResources")
    assert profile.filter == expected_filters
    assert profile.post_filter == (["DynamicResources"] if minor >= 34 else []) + [
        "DefaultPreemption"
    ]
    assert profile.weights == {
        "TaintToleration": 3,
        "NodeAffinity": 2,
        "NodeResourcesFit": 1,
        "VolumeBinding": 1,
        "PodTopologySpread": 2,
        "InterPodAffinity": 2,
        "NodeResourcesBalancedAllocation": 1,
        "ImageLocality": 1,
    }
    assert profile.args["NodeResourcesFit"]["scoringStrategy"]["type"] == "LeastAllocated"


def test_config_disables_reweights_and_adds() -> None:
    """KubeSchedulerConfiguration merging (mergePluginSet) and MultiPoint expansion: a
    disabled default plugin disappears from every point, a re-configured one keeps its place
    with the new weight, a plugin enabled at one point only runs there."""
    config = {
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "profiles": [
            {
                "schedulerName": "default-scheduler",
                "plugins": {
                    "multiPoint": {
                        "enabled": [{"name": "ImageLocality", "weight": 5}],
                        "disabled": [{"name": "PodTopologySpread"}],
                    },
                    "score": {
                        "disabled": [{"name": "NodeResourcesBalancedAllocation"}],
                        "enabled": [{"name": "NodeResourcesFit", "weight": 4}],
                    },
                },
                "pluginConfig": [
                    {
                        "name": "NodeResourcesFit",
                        "args": {
                            "scoringStrategy": {
                                "type": "MostAllocated",
                                "resources": [{"name": "cpu", "weight": 1}],
                            }
                        },
                    }
                ],
            },
            {"schedulerName": "batch", "plugins": {"filter": {"disabled": [{"name": "*"}]}}},
        ],
    }
    profile = profile_from_config(config, "1.31")
    assert "PodTopologySpread" not in profile.filter + profile.score
    assert "NodeResourcesBalancedAllocation" not in profile.score
    assert profile.score.index("NodeResourcesFit") == 0
    assert profile.weights["ImageLocality"] == 5
    assert profile.weights["NodeResourcesFit"] == 4
    assert profile.args["NodeResourcesFit"]["scoringStrategy"]["type"] == "MostAllocated"
    batch = profile_from_config(config, "1.31", "batch")
    assert batch.filter == []
    with pytest.raises(ProfileError):
        profile_from_config(config, "1.31", "nope")
    with pytest.raises(ProfileError):
        profile_from_config(
            {"profiles": [{"plugins": {"score": {"enabled": [{"name": "Made-Up"}]}}}]}, "1.31"
        )
