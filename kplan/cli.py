"""The `kplan` command line: parse options, run the pipeline, pick a renderer. Nothing else.

Exit codes (CONTRACT.md): 0 fine, 1 the input has problems, 3 usage or internal error; never a
Python traceback. Heavy modules are imported inside the commands so that a pre-commit run on
one file starts fast.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

import click

from kplan import __version__

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CHANGES = 2
EXIT_USAGE = 3


def _version_option(default_help: str) -> click.Option:
    return click.option(
        "--kubernetes-version",
        "kubernetes_version",
        default=None,
        metavar="X.Y",
        help=default_help,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kplan")
def cli() -> None:
    """What would these Kubernetes manifests do to that cluster? Answered offline."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_version_option("Kubernetes minor version whose API schemas to use (default: the newest bundled).")
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Unknown fields are errors, as `kubectl apply` treats them.",
)
@click.option(
    "--crd",
    "crd_paths",
    multiple=True,
    metavar="PATH",
    help="CustomResourceDefinitions (file or folder) to validate custom resources with. "
    "CRDs in the input are used too. Repeatable.",
)
@click.option(
    "--reject-unknown",
    is_flag=True,
    help="A custom resource with no known CRD is an error (default: skipped with a warning).",
)
@click.option(
    "-n",
    "--namespace",
    default="default",
    show_default=True,
    help="Namespace of namespaced objects that name none.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Choice(["text", "json", "sarif", "junit", "github"]),
    default="text",
    show_default=True,
)
@click.option("-v", "--verbose", is_flag=True, help="Text output also lists valid resources.")
@click.option(
    "--engine",
    type=click.Choice(["fast", "reference"]),
    default="fast",
    show_default=True,
    help="JSON-schema engine: jsonschema-rs (fast) or python-jsonschema (reference).",
)
def validate(
    paths: Sequence[str],
    kubernetes_version: str | None,
    strict: bool,
    crd_paths: Sequence[str],
    reject_unknown: bool,
    namespace: str,
    output: str,
    verbose: bool,
    engine: str,
) -> None:
    """Load manifests and validate them against the Kubernetes API schemas.

    PATH is a file, a folder (searched recursively for *.yaml, *.yml, *.json; hidden folders
    skipped) or - for standard input. Exit 0 when every object is valid, 1 when anything is
    invalid or unreadable, 3 on a usage error.
    """
    from kplan.load import MissingPath, load_paths
    from kplan.report import render_validation
    from kplan.schema import UnknownVersion, newest_version, resolve_version
    from kplan.validate import ValidateOptions
    from kplan.validate import validate as run_validate

    try:
        version = resolve_version(kubernetes_version) if kubernetes_version else newest_version()
    except UnknownVersion as error:
        raise click.BadParameter(str(error), param_hint="--kubernetes-version") from None
    try:
        loaded = load_paths(paths)
        crds = load_paths(crd_paths) if crd_paths else None
    except MissingPath as error:
        raise click.UsageError(str(error)) from None
    extra = []
    if crds is not None:
        loaded.problems.extend(crds.problems)
        extra = crds.resources
    options = ValidateOptions(
        kubernetes_version=version,
        strict=strict,
        reject_unknown=reject_unknown,
        namespace=namespace,
        engine=engine,
    )
    report = run_validate(loaded, options, extra)
    render_validation(report, output, sys.stdout, verbose=verbose)
    sys.stdout.flush()
    raise SystemExit(EXIT_PROBLEMS if report.failed else EXIT_OK)


@cli.command()
@click.option(
    "-o",
    "--output",
    "output_path",
    default=None,
    metavar="FILE",
    help="Write the snapshot to FILE (JSON when it ends in .json, else YAML); default stdout.",
)
@click.option("--context", default=None, help="kubectl context to read (default: the current).")
@click.option(
    "-A", "--all-namespaces", "all_namespaces", is_flag=True, help="All namespaces (default)."
)
@click.option("-n", "--namespace", default=None, help="Only this namespace's objects.")
@click.option(
    "--custom-resources",
    is_flag=True,
    help="Also record the custom resources of every recorded CRD.",
)
@click.option(
    "--kubectl",
    "kubectl",
    default=None,
    metavar="PATH",
    help="kubectl executable (default: $KPLAN_KUBECTL, then kubectl on PATH).",
)
def snapshot(
    output_path: str | None,
    context: str | None,
    all_namespaces: bool,
    namespace: str | None,
    custom_resources: bool,
    kubectl: str | None,
) -> None:
    """Record the cluster with kubectl into a snapshot file for `kplan diff --snapshot`.

    Secret values (data, stringData and their copy in the last-applied annotation) are
    replaced by hashes, so the file can be committed. Exit 0 when recorded (warnings about
    kinds kubectl could not list go to stderr), 3 when kubectl is missing or the cluster
    cannot be read.
    """
    from kplan.snapshot.record import SnapshotError, SnapshotOptions, record_snapshot
    from kplan.snapshot.write import format_for_path

    if all_namespaces and namespace:
        raise click.UsageError("-A and -n exclude each other")
    options = SnapshotOptions(
        context=context,
        namespace=namespace,
        custom_resources=custom_resources,
        output_format=format_for_path(output_path),
        kubectl=kubectl,
    )
    try:
        result = record_snapshot(options)
    except SnapshotError as error:
        click.echo(f"kplan snapshot: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if output_path is None or output_path == "-":
        sys.stdout.write(result.text)
        sys.stdout.flush()
    else:
        try:
            with open(output_path, "w", encoding="utf-8") as handle:
                handle.write(result.text)
        except OSError as error:
            click.echo(f"kplan snapshot: cannot write {output_path}: {error.strerror}", err=True)
            raise SystemExit(EXIT_USAGE) from None
        kinds = len(result.header.recorded_kinds)
        click.echo(
            f"recorded {result.objects} objects of {kinds} kinds "
            f"({result.header.scope}, context {result.header.context}) to {output_path}",
            err=True,
        )
    raise SystemExit(EXIT_OK)


# The plan commands (diff and its sections) live in their own module and register on `cli`.
from kplan import cli_plan as _cli_plan  # noqa: E402,F401


def run() -> None:
    """The console script: main(), then exit at once. A plan holds a large heap until the
    end, and the interpreter's orderly shutdown frees it object by object (about a second
    for a 20,000-object cluster) for nothing: the output is flushed and the process ends."""
    from kplan.lifetime import retain, retain_until_exit

    retain_until_exit()
    code: int
    try:
        main()
        code = EXIT_OK
    except SystemExit as done:
        retain(done)  # its traceback holds the command's frames, and so the whole plan
        if done.code is None or isinstance(done.code, int):
            code = done.code or EXIT_OK
        else:
            print(done.code, file=sys.stderr)
            code = EXIT_PROBLEMS
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: click's usage errors exit 3 (the contract), and no traceback ever shows.

    The cyclic garbage collector is off for the run: a command keeps everything it loads until
    it exits, so the collector's scans only cost time (measured: a third of validate's time
    for 20,000 objects). Reference counting still frees what is dropped.
    """
    gc.disable()
    try:
        cli.main(
            args=list(argv) if argv is not None else None, prog_name="kplan", standalone_mode=False
        )
    except click.exceptions.Exit as done:
        raise SystemExit(done.exit_code) from None
    except click.ClickException as error:
        error.show()
        raise SystemExit(EXIT_USAGE) from None
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except BrokenPipeError:
        # The reader went away (`kplan ... | head`); say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(EXIT_PROBLEMS) from None
    except Exception as error:  # noqa: BLE001 - the contract: never a traceback
        click.echo(f"kplan: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("Please report this with the input that caused it.", err=True)
        raise SystemExit(EXIT_USAGE) from None
    raise SystemExit(EXIT_OK)
