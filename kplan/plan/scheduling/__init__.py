"""kube-scheduler, simulated: where new pods land on a recorded cluster, and why not.

One module per upstream plugin (node_resources_fit, taint_toleration, ...), the framework
(statuses, the plugin interface, one scheduling cycle), profiles per Kubernetes version and
from KubeSchedulerConfiguration, the FailedScheduling message, DefaultPreemption, and a
cached fast path that gives the same answers as the per-node cycle. See simulate.py for the
model (order, preemption, pods the scheduler does not handle).
"""

from kplan.plan.scheduling.podinfo import TemplateFactory
from kplan.plan.scheduling.profile import (
    Features,
    Profile,
    ProfileError,
    default_profile,
    profile_from_config,
)
from kplan.plan.scheduling.simulate import SchedulingResult, Simulation, capacity, schedule

__all__ = [
    "Features",
    "Profile",
    "ProfileError",
    "SchedulingResult",
    "Simulation",
    "TemplateFactory",
    "capacity",
    "default_profile",
    "profile_from_config",
    "schedule",
]
