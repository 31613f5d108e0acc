"""The plan commands: `diff` (the whole plan) and its sections (`rollout`, and the others as
they land). They share one pipeline and one set of input options, so a section is always
exactly what `diff -o json` says about it (CONTRACT.md)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from kplan.cli import EXIT_CHANGES, EXIT_OK, EXIT_PROBLEMS, _version_option, cli

if TYPE_CHECKING:
    from kplan.k8s.labels import Selector
    from kplan.plan.model import Plan


@dataclass(frozen=True)
class PlanInputs:
    """What every plan command reads: manifests, the recorded cluster, version and scope."""

    paths: Sequence[str]
    snapshot_paths: Sequence[str]
    kubernetes_version: str | None
    strict: bool
    crd_paths: Sequence[str]
    namespace: str
    service_cidr: str
    config_path: str | None


def plan_inputs(command: Callable[..., Any]) -> Callable[..., Any]:
    """The shared arguments and options, collected into one PlanInputs argument `inputs`."""
    options = [
        click.argument("paths", nargs=-1, required=True, metavar="PATH..."),
        click.option(
            "--snapshot",
            "snapshot_paths",
            multiple=True,
            metavar="FILE",
            help="Recorded cluster: `kubectl get ... -o yaml|json` output or `kplan snapshot` "
            "output (file or folder; repeatable). Without it the cluster is empty.",
        ),
        _version_option("Kubernetes minor version whose schemas and defaults to use."),
        click.option("--strict/--no-strict", default=True, show_default=True),
        click.option(
            "--crd", "crd_paths", multiple=True, metavar="PATH", help="Extra CRDs. Repeatable."
        ),
        click.option(
            "-n",
            "--namespace",
            default="default",
            show_default=True,
            help="Namespace of namespaced objects that name none.",
        ),
        click.option(
            "--service-cidr",
            default="10.96.0.0/12",
            show_default=True,
            help="The cluster's Service IP range: planned ClusterIPs come from it.",
        ),
        click.option(
            "--config",
            "config_path",
            default=None,
            metavar="FILE",
            help="Rules config (.kplan.yaml or a pyproject.toml with [tool.kplan]); default: "
            "the first found from the current folder upwards.",
        ),
    ]

    @functools.wraps(command)  # keeps the options already attached to `command`
    def collect(**kwargs: Any) -> Any:
        inputs = PlanInputs(
            paths=kwargs.pop("paths"),
            snapshot_paths=kwargs.pop("snapshot_paths"),
            kubernetes_version=kwargs.pop("kubernetes_version"),
            strict=kwargs.pop("strict"),
            crd_paths=kwargs.pop("crd_paths"),
            namespace=kwargs.pop("namespace"),
            service_cidr=kwargs.pop("service_cidr"),
            config_path=kwargs.pop("config_path"),
        )
        return command(inputs=inputs, **kwargs)

    for option in reversed(options):
        collect = option(collect)
    return collect


def resolve_version(kubernetes_version: str | None) -> str:
    from kplan.schema import UnknownVersion, newest_version, resolve_version

    try:
        return resolve_version(kubernetes_version) if kubernetes_version else newest_version()
    except UnknownVersion as error:
        raise click.BadParameter(str(error), param_hint="--kubernetes-version") from None


@dataclass
class Loaded:
    """Everything a plan command read, checked."""

    manifests: Any  # kplan.load.Loaded
    crds: list[Any]
    snapshot: Any  # kplan.snapshot.load.Snapshot | None
    version: str
    config: Any  # kplan.rules.config.RulesConfig
    report: Any  # kplan.results.ValidationReport


def load_inputs(inputs: PlanInputs) -> Loaded:
    """Read manifests, CRDs, snapshot and rules config; bad options are usage errors (exit
    3), an unreadable rules config is a problem of the input (exit 1)."""
    import ipaddress
    from pathlib import Path

    from kplan.load import MissingPath
    from kplan.parallel import in_background
    from kplan.plan.ahead import work_ahead
    from kplan.rules.config import ConfigError, load_config
    from kplan.snapshot.load import load_snapshot

    version = resolve_version(inputs.kubernetes_version)
    try:
        ipaddress.ip_network(inputs.service_cidr)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--service-cidr") from None
    if inputs.config_path is not None and not Path(inputs.config_path).is_file():
        raise click.UsageError(f"config file not found: {inputs.config_path}")
    try:
        config = load_config(Path(inputs.config_path) if inputs.config_path else None)
    except ConfigError as error:
        click.echo(f"kplan: rules config: {error}", err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    for problem in config.problems:
        click.echo(f"kplan: {config.source}: {problem}", err=True)
    # The manifests are read and validated in a second process while this one reads the
    # recorded cluster (the bigger of the two); standard input can only be read once, so
    # not when it is used.
    reads_stdin = "-" in (*inputs.paths, *inputs.crd_paths, *inputs.snapshot_paths)
    manifests_job = in_background(
        functools.partial(_read_and_validate, inputs, version),
        worth_it=bool(inputs.snapshot_paths) and not reads_stdin,
    )
    snapshot = snapshot_error = None
    try:
        snapshot = load_snapshot(inputs.snapshot_paths) if inputs.snapshot_paths else None
    except MissingPath as error:
        snapshot_error = error
    if snapshot is not None:  # the manifests usually take longer: see kplan.plan.ahead
        work_ahead(snapshot, version, inputs.namespace, waiting=lambda: not manifests_job.ready())
    try:  # a missing path is reported in the order of the options: manifests, CRDs, snapshot
        manifests, crds, report = manifests_job.result()
        if snapshot_error is not None:
            raise snapshot_error
    except MissingPath as error:
        raise click.UsageError(str(error)) from None
    return Loaded(manifests, crds, snapshot, version, config, report)


def _read_and_validate(inputs: PlanInputs, version: str) -> tuple[Any, list[Any], Any]:
    """(manifests, extra CRDs, validation report)."""
    from kplan.load import load_paths
    from kplan.plan.plan import validate_manifests

    manifests = load_paths(inputs.paths)
    crds = load_paths(inputs.crd_paths).resources if inputs.crd_paths else []
    report = validate_manifests(manifests, crds, version, inputs.strict, inputs.namespace)
    return manifests, crds, report


def build(
    inputs: PlanInputs,
    *,
    prune_selector: Selector | None = None,
    show_all: bool = False,
    scheduler_config: dict[str, Any] | None = None,
    explain: bool = False,
    capacity: bool = False,
    sections: frozenset[str] | None = None,
) -> Plan:
    """Load everything and run the plan stages (all sections unless `sections` says)."""
    from kplan.lifetime import retain
    from kplan.plan.plan import ALL_SECTIONS, PlanOptions, build_plan

    read = load_inputs(inputs)
    retain(read)  # the loaded cluster is the biggest thing a plan drops
    options = PlanOptions(
        kubernetes_version=read.version,
        namespace=inputs.namespace,
        strict=inputs.strict,
        prune_selector=prune_selector,
        show_all=show_all,
        service_cidr=inputs.service_cidr,
        rules_config=read.config,
        scheduler_config=scheduler_config,
        explain=explain,
        capacity=capacity,
        sections=sections if sections is not None else ALL_SECTIONS,
    )
    return build_plan(read.manifests, read.snapshot, options, read.crds, read.report)


def _output_option(*formats: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Choice(list(formats)),
        default="text",
        show_default=True,
    )


@cli.command()
@plan_inputs
@click.option(
    "--prune",
    is_flag=True,
    help="Plan deleting recorded objects that match -l and that no manifest names, as "
    "`kubectl apply --prune -l` would.",
)
@click.option(
    "-l", "--selector", default=None, metavar="SELECTOR", help="Label selector for --prune."
)
@click.option("--all", "show_all", is_flag=True, help="Also list objects that do not change.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Text output shows whole objects and every finding."
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when nothing changes, 2 when something does, 1 on invalid input.",
)
@click.option(
    "--capacity",
    is_flag=True,
    help="Also say how many more replicas of each planned workload would fit.",
)
@_output_option("text", "json", "sarif", "junit", "github")
def diff(
    inputs: PlanInputs,
    capacity: bool,
    prune: bool,
    selector: str | None,
    show_all: bool,
    verbose: bool,
    detailed_exitcode: bool,
    output: str,
) -> None:
    """Plan what applying PATH... would do to the recorded cluster, like `terraform plan`.

    Exit 0 (with --detailed-exitcode: no changes), 1 when the input is invalid or a finding is
    an error, 2 with --detailed-exitcode when the plan has changes, 3 on a usage error.
    """
    from kplan.k8s.labels import SelectorSyntaxError, parse_selector
    from kplan.report import render_plan

    if prune and not selector:
        raise click.UsageError("--prune needs a label selector (-l), as kubectl apply does")
    if selector and not prune:
        raise click.UsageError("-l selects what --prune may delete; add --prune")
    try:
        prune_selector = parse_selector(selector) if selector else None
    except SelectorSyntaxError as error:
        raise click.BadParameter(str(error), param_hint="-l") from None
    plan = build(inputs, prune_selector=prune_selector, show_all=show_all, capacity=capacity)
    render_plan(plan, output, sys.stdout, verbose=verbose)
    sys.stdout.flush()
    if plan.failed:
        raise SystemExit(EXIT_PROBLEMS)
    if detailed_exitcode and plan.has_changes:
        raise SystemExit(EXIT_CHANGES)
    raise SystemExit(EXIT_OK)


def print_section(plan: Plan, key: str, value: Any) -> None:
    """`-o json`: the section exactly as `diff -o json` carries it, in a document with the
    contract's format_version and the Kubernetes version it was planned for."""
    from kplan.report.json_out import layout
    from kplan.report.plan_json import FORMAT_VERSION

    document = {
        "format_version": FORMAT_VERSION,
        "kubernetes_version": plan.kubernetes_version,
        key: value,
    }
    sys.stdout.write(layout(document))


def finish(plan: Plan) -> None:
    """Input errors go to stderr (the section itself is on stdout); exit 1 on any."""
    from kplan.report.plan_text import finding_line

    sys.stdout.flush()
    for finding in plan.input_errors:
        click.echo("".join(text for text, _ in finding_line(finding)), err=True)
    raise SystemExit(EXIT_PROBLEMS if plan.failed else EXIT_OK)


@cli.command()
@plan_inputs
@_output_option("text", "json")
def rollout(inputs: PlanInputs, output: str) -> None:
    """The rollouts the plan starts: per Deployment the controller's steps (new and old
    ReplicaSet sizes), per StatefulSet the pod order, per DaemonSet the waves.

    Models (README): one step is one controller sync; pods created in a step are ready at
    the next. Exit 0, or 1 when the input is invalid.
    """
    plan = build(inputs, sections=frozenset({"rollouts"}))
    rollouts = plan.rollouts or []
    if output == "json":
        print_section(plan, "rollouts", rollouts)
    elif not rollouts:
        click.echo("No rollouts: no Deployment, StatefulSet or DaemonSet changes.")
    else:
        from rich.console import Console

        from kplan.report.rollout_text import render_rollouts

        render_rollouts(rollouts, Console(file=sys.stdout, highlight=False))
    finish(plan)


@cli.command()
@plan_inputs
@_output_option("text", "json")
def wiring(inputs: PlanInputs, output: str) -> None:
    """Service wiring after the plan: endpoints and resolved ports of every Service, the
    environment variables kubelet injects into planned pods, Ingress routes, and the
    findings about them (selectors matching nothing, unresolved ports, missing references,
    NodePort and ClusterIP conflicts, ...).

    Exit 0, or 1 when the input is invalid or a finding is an error.
    """
    from kplan.report.plan_json import _finding
    from kplan.report.plan_text import findings_section, wiring_section

    plan = build(inputs, sections=frozenset({"wiring"}))
    plan.findings = [finding for finding in plan.findings if _is_wiring_rule(finding.rule)]
    if output == "json":
        from kplan.report.json_out import layout
        from kplan.report.plan_json import FORMAT_VERSION

        document = {
            "format_version": FORMAT_VERSION,
            "kubernetes_version": plan.kubernetes_version,
            "wiring": plan.wiring,
            "findings": [_finding(finding) for finding in [*plan.input_errors, *plan.findings]],
        }
        sys.stdout.write(layout(document))
    else:
        lines = wiring_section(plan) or [[("No Services.", "")]]
        found = findings_section(plan)
        if found:
            lines += [[]] + found
        sys.stdout.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
    sys.stdout.flush()
    raise SystemExit(EXIT_PROBLEMS if plan.failed else EXIT_OK)


def _is_wiring_rule(rule_id: str) -> bool:
    from kplan.rules import get

    rule = get(rule_id)
    return rule is not None and rule.family != "input"


@cli.command()
@click.option(
    "-l",
    "--selector",
    required=True,
    metavar="SELECTOR",
    help="`kubectl get -l` syntax, or a LabelSelector as JSON/YAML "
    '(\'{"matchLabels": {...}, "matchExpressions": [...]}\').',
)
@plan_inputs
@_output_option("text", "json")
def match(inputs: PlanInputs, selector: str, output: str) -> None:
    """Objects whose labels match SELECTOR: input objects, recorded objects and the pods
    the plan would have, after the plan.

    Exit 0; 1 when the selector is invalid (the message names the position) or the input
    has unreadable documents.
    """
    from kplan.plan.selection import (
        SelectorArgumentError,
        match_candidates,
        matching_objects,
        selector_from_argument,
    )
    from kplan.report.match_out import render_match

    try:
        parsed = selector_from_argument(selector)
    except SelectorArgumentError as error:
        click.echo(f"kplan: invalid selector: {error}", err=True)
        raise SystemExit(EXIT_PROBLEMS) from None
    read = load_inputs(inputs)
    objects, pods = _cluster_after(read, inputs)
    render_match(
        str(parsed), matching_objects(parsed, match_candidates(objects, pods)), output, sys.stdout
    )
    _report_load_problems(read)


@cli.command()
@plan_inputs
@click.option(
    "-f",
    "--format",
    "graph_format",
    type=click.Choice(["dot", "mermaid", "json"]),
    default="dot",
    show_default=True,
)
def graph(inputs: PlanInputs, graph_format: str) -> None:
    """The relation graph of the cluster after the plan: selects, routes, owns, scales, uses
    and serves edges between objects and planned pods (dot for Graphviz, mermaid, json).

    Exit 0; 1 when the input has unreadable documents (the rest is still drawn).
    """
    from kplan.plan.selection import relation_graph, snapshot_coverage
    from kplan.report.graph_out import render_graph

    read = load_inputs(inputs)
    objects, pods = _cluster_after(read, inputs)
    drawn = relation_graph(objects, pods, covers=snapshot_coverage(read.snapshot))
    render_graph(drawn, graph_format, sys.stdout)
    _report_load_problems(read)


def _cluster_after(read: Loaded, inputs: PlanInputs) -> tuple[list[Any], list[Any]]:
    """Objects and pods once the input is applied (for match and graph)."""
    from kplan.plan.selection import cluster_view

    return cluster_view(
        read.manifests.resources,
        read.snapshot,
        default_namespace=inputs.namespace,
        kubernetes_version=read.version,
        unchanged=_unchanged_workloads(read, inputs),
    )


def _unchanged_workloads(read: Loaded, inputs: PlanInputs) -> set[str]:
    """Refs of the input objects the change plan leaves alone: their recorded pods stay
    (a Deployment scaled by hand keeps its replicas when its manifest names none)."""
    if read.snapshot is None:
        return set()
    from kplan.plan.changes import ChangeOptions, plan_changes, unchanged_refs

    options = ChangeOptions(kubernetes_version=read.version, namespace=inputs.namespace)
    changes, _ = plan_changes(read.manifests.resources, read.snapshot, options)
    return unchanged_refs(read.manifests.resources, changes, options)


def _report_load_problems(read: Loaded) -> None:
    """Unreadable documents on stderr as `file:line:column: message`; exit 1 if any."""
    sys.stdout.flush()
    problems = read.manifests.problems
    for problem in problems:
        where = ":".join(str(p) for p in (problem.source, problem.line, problem.column) if p)
        click.echo(f"{where}: error: {problem.message}", err=True)
    raise SystemExit(EXIT_PROBLEMS if problems else EXIT_OK)


@cli.command()
@plan_inputs
@click.option(
    "--explain",
    is_flag=True,
    help="Per pod and node: the filter that rejected it, or every plugin's score and total.",
)
@click.option(
    "--scheduler-config",
    "scheduler_config_path",
    default=None,
    metavar="FILE",
    help="A KubeSchedulerConfiguration (profiles, plugins, weights) as kube-scheduler reads it.",
)
@click.option(
    "--capacity",
    is_flag=True,
    help="Also say how many more replicas of each planned workload would fit.",
)
@_output_option("text", "json")
def schedule(
    inputs: PlanInputs,
    explain: bool,
    scheduler_config_path: str | None,
    capacity: bool,
    output: str,
) -> None:
    """Where every pod the plan creates lands, by kube-scheduler's filters, scores and
    weights for the selected version; pods that fit nowhere get kube-scheduler's
    FailedScheduling message. Needs a snapshot with Nodes.

    Models (README): every node is scored, ties go to the node whose name sorts first, pods
    are placed one at a time (priority, then input order, then replica), each placed pod
    counts for the next. Exit 0, or 1 when the input or the scheduler config is invalid.
    """
    config = _scheduler_config(scheduler_config_path, inputs)
    plan = build(
        inputs,
        scheduler_config=config,
        explain=explain,
        capacity=capacity,
        sections=frozenset({"scheduling"}),
    )
    scheduling = plan.scheduling if plan.scheduling is not None else {"placements": []}
    if output == "json":
        print_section(plan, "scheduling", scheduling)
    elif plan.scheduling is None:
        click.echo("No Nodes recorded: give a snapshot with Nodes (kplan snapshot records them).")
    elif explain:
        from rich.console import Console

        from kplan.report.schedule_text import render_placements

        render_placements(scheduling["placements"], Console(file=sys.stdout, width=260))
    else:
        from kplan.report.plan_text import scheduling_section

        lines = scheduling_section(plan) or [[("No new pods to place.", "")]]
        sys.stdout.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
    finish(plan)


def _scheduler_config(path: str | None, inputs: PlanInputs) -> dict[str, Any] | None:
    """The KubeSchedulerConfiguration file as data, checked the way kube-scheduler checks
    it at start-up (an unknown plugin or profile is refused): exit 1 when it is not valid."""
    if path is None:
        return None
    from kplan.load import MissingPath, load_paths
    from kplan.plan.scheduling import ProfileError, profile_from_config

    try:
        loaded = load_paths([path])
    except MissingPath as error:
        raise click.UsageError(str(error)) from None
    configs = [r.body for r in loaded.resources if r.kind == "KubeSchedulerConfiguration"]
    problem = None
    for found in loaded.problems:
        problem = f"{found.source}:{found.line}:{found.column}: {found.message}"
    if problem is None and len(configs) != 1:
        problem = f"{path}: expected one KubeSchedulerConfiguration, found {len(configs)}"
    if problem is None:
        try:
            profile_from_config(configs[0], resolve_version(inputs.kubernetes_version))
        except ProfileError as error:
            problem = f"{path}: {error}"
    if problem is not None:
        click.echo(f"kplan: scheduler config: {problem}", err=True)
        raise SystemExit(EXIT_PROBLEMS)
    return configs[0]
