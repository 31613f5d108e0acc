"""The FailedScheduling message, as framework.FitError.Error() writes it.

    0/<all nodes> nodes are available: <PreFilter message>.
    0/<all nodes> nodes are available: <histogram>.[ <PostFilter message>.]

The histogram counts every reason of every node's status ("2 Insufficient cpu"), nodes that
were not evaluated adding the "absent" status (PreFilterResult, or preemption's "Preemption is
not helpful for scheduling"), and sorts the entries as Go's sort.Strings does (byte order of
the whole entry, so "10 x" sorts before "2 y"). Entries are joined with ", ". SeparatorFormat
is " %v.", so a PostFilter message that is itself a FitError ends the message in "..", as
kube-scheduler prints it. A cluster without nodes gives `no nodes available to schedule pods`.
"""

from __future__ import annotations

from collections.abc import Iterable

from kplan.plan.scheduling.framework import Status

__all__ = [
    "NO_NODES",
    "PREEMPTION_NOT_HELPFUL",
    "PREEMPTION_NO_VICTIMS",
    "fit_error_message",
    "reason_histogram",
]

NO_NODES = "no nodes available to schedule pods"
PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling"
PREEMPTION_NO_VICTIMS = "No preemption victims found for incoming pod"
NO_CLAIMS_TO_DEALLOCATE = "no new claims to deallocate"


def reason_histogram(
    num_nodes: int, statuses: Iterable[tuple[Status, int]], absent: Status | None
) -> str:
    """The sorted "<count> <reason>" list of FitError.Error, joined with ", ". `statuses` are
    (status, number of nodes with it)."""
    counts: dict[str, int] = {}
    explicit = 0
    for status, nodes in statuses:
        explicit += nodes
        for reason in status.reasons:
            counts[reason] = counts.get(reason, 0) + nodes
    if absent is not None and explicit < num_nodes:
        for reason in absent.reasons:
            counts[reason] = counts.get(reason, 0) + num_nodes - explicit
    entries = [f"{count} {reason}" for reason, count in counts.items()]
    entries.sort(key=lambda entry: entry.encode())
    return ", ".join(entries)


def fit_error_message(
    num_nodes: int,
    statuses: Iterable[tuple[Status, int]],
    absent: Status | None = None,
    pre_filter_message: str = "",
    post_filter_message: str = "",
) -> str:
    if num_nodes == 0:
        return NO_NODES
    message = f"0/{num_nodes} nodes are available:"
    if pre_filter_message:
        message += f" {pre_filter_message}."
    else:
        histogram = reason_histogram(num_nodes, statuses, absent)
        if histogram:
            message += f" {histogram}."
    if post_filter_message:
        message += f" {post_filter_message}."
    return message
