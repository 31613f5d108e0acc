"""CustomResourceDefinitions: the x-kubernetes extensions, strictness, served/deprecated
versions, broken schemas, and real CRDs from the corpus (prometheus-operator, argo-cd,
calico, cert-manager's legacy v1beta1 CRDs)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kplan.diagnostics import ERROR, WARNING
from kplan.schema import Catalog

from .corpus import corpus_crds, corpus_objects, crd_named

ENGINES = ("fast", "reference")


def widget_crd() -> dict[str, Any]:
    """A small CRD in the shape kubebuilder generates, with each extension once."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget"},
            "versions": [
                {
                    "name": "v1alpha1",
                    "served": False,
                    "storage": False,
                    "schema": {"openAPIV3Schema": {"type": "object"}},
                },
                {
                    "name": "v1beta1",
                    "served": True,
                    "storage": False,
                    "deprecated": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": True,
                        }
                    },
                },
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "schema": {"openAPIV3Schema": WIDGET_SCHEMA},
                },
            ],
        },
    }


WIDGET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A widget.",
    "required": ["spec"],
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "required": ["size"],
            "x-kubernetes-validations": [{"rule": "self.size > 0"}],
            "properties": {
                "size": {
                    "type": "integer",
                    "format": "int32",
                    "minimum": 1,
                    "maximum": 10,
                    "exclusiveMaximum": True,
                    "default": 1,
                },
                "port": {
                    "anyOf": [{"type": "integer"}, {"type": "string"}],
                    "x-kubernetes-int-or-string": True,
                },
                "mode": {"type": "string", "enum": ["Fast", "Safe"]},
                "nick": {"type": "string", "nullable": True, "pattern": "^[a-z]+$"},
                "tags": {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 5},
                    "x-kubernetes-list-type": "set",
                    "maxItems": 3,
                },
                "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "template": {
                    "type": "object",
                    "x-kubernetes-embedded-resource": True,
                    "x-kubernetes-preserve-unknown-fields": True,
                },
                "selector": {"type": "object", "additionalProperties": {"type": "string"}},
                "inner": {
                    "type": "object",
                    "required": ["enabled"],
                    "properties": {"enabled": {"type": "boolean"}},
                },
                "level": {"type": "string", "pattern": "^(?i)(debug|info)?$"},
            },
        },
        "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}},
    },
}

GOOD_WIDGET: dict[str, Any] = {
    "apiVersion": "example.com/v1",
    "kind": "Widget",
    "metadata": {"name": "w", "namespace": "default", "labels": {"app": "w"}},
    "spec": {
        "size": 3,
        "port": "http",
        "mode": "Fast",
        "nick": None,
        "tags": ["a", "b"],
        "raw": {"anything": {"goes": [1, "two", None]}},
        "template": {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {"containers": []},
        },
        "selector": {"app": "w"},
        "inner": {"enabled": True},
        "level": "DEBUG",
    },
    "status": {"ready": True},
}


def catalog(engine: str, strict: bool = True) -> Catalog:
    found = Catalog("1.33", strict=strict, engine=engine)
    assert found.add_crd(widget_crd()) == []
    return found


def errors(cat: Catalog, obj: dict[str, Any]) -> list[tuple[str, str]]:
    found = cat.lookup(obj["apiVersion"], obj["kind"])
    assert found.status == "custom" and found.validator is not None
    return [(p.path, p.message) for p in found.validator.errors(obj)]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_valid_custom_resource(engine: str) -> None:
    assert errors(catalog(engine), GOOD_WIDGET) == []


def test_extensions_mean_what_the_apiserver_makes_them_mean(engine: str) -> None:
    bad = copy.deepcopy(GOOD_WIDGET)
    bad["spec"].update(
        {
            "size": 10,  # exclusiveMaximum: true (OpenAPI v3 boolean form)
            "port": 1.5,  # int-or-string: reported once, not also by the anyOf
            "mode": "Slow",
            "nick": "Bob",
            "tags": ["a", "b", "a", "toolong"],
            "selector": {"app": 1},
            "level": "trace",
        }
    )
    bad["spec"]["template"]["metadata"] = {"name": 3}
    bad["spec"]["inner"] = {}
    assert errors(catalog(engine), bad) == [
        ("/spec/inner/enabled", "Required value"),
        ("/spec/level", 'must match the regular expression "^(?i)(debug|info)?$"'),
        ("/spec/mode", 'Unsupported value: "Slow": supported values: "Fast", "Safe"'),
        ("/spec/nick", 'must match the regular expression "^[a-z]+$"'),
        ("/spec/port", "expected string or integer, got number"),
        ("/spec/selector/app", "expected string, got integer"),
        ("/spec/size", "must be less than 10"),
        ("/spec/tags", "must have at most 3 items"),
        ("/spec/tags/2", 'Duplicate value: "a"'),
        ("/spec/tags/3", "must be at most 5 characters long"),
        ("/spec/template/metadata/name", "expected string, got integer"),
    ]


def test_nulls_of_optional_fields_are_pruned_not_errors(engine: str) -> None:
    obj = copy.deepcopy(GOOD_WIDGET)
    obj["spec"].update({"mode": None, "tags": None, "inner": None, "port": None})
    obj["status"] = None
    assert errors(catalog(engine), obj) == []
    obj["spec"]["size"] = None  # required: pruned, then missing
    assert errors(catalog(engine), obj) == [("/spec/size", "Required value")]


def test_strict_mode_on_custom_resources(engine: str) -> None:
    obj = copy.deepcopy(GOOD_WIDGET)
    obj["spec"]["sise"] = 3
    obj["spec"]["inner"]["extra"] = True
    obj["spec"]["raw"]["still"] = "fine"  # preserve-unknown-fields
    obj["spec"]["template"]["spec"]["anything"] = 1  # embedded + preserve
    obj["metadata"]["lables"] = {}  # metadata is the built-in ObjectMeta
    obj["status"]["unknown"] = 1
    expected = [
        ("/metadata/lables", 'unknown field "metadata.lables"'),
        ("/spec/inner/extra", 'unknown field "spec.inner.extra"'),
        ("/spec/sise", 'unknown field "spec.sise"'),
        ("/status/unknown", 'unknown field "status.unknown"'),
    ]
    assert errors(catalog(engine), obj) == expected
    assert errors(catalog(engine, strict=False), obj) == []


def test_missing_required_spec_and_metadata_checks(engine: str) -> None:
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": 5}}
    assert errors(catalog(engine), obj) == [
        ("/metadata/name", "expected string, got integer"),
        ("/spec", "Required value"),
    ]


def test_served_deprecated_and_undefined_versions() -> None:
    cat = catalog("fast")
    deprecated = cat.lookup("example.com/v1beta1", "Widget")
    assert deprecated.status == "custom" and deprecated.validator is not None
    assert [(p.severity, p.message) for p in deprecated.problems] == [
        (WARNING, "example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget")
    ]
    loose = {"apiVersion": "example.com/v1beta1", "kind": "Widget", "metadata": {"name": "x"}}
    assert deprecated.validator.errors({**loose, "anything": {"at": "all"}}) == []

    not_served = cat.lookup("example.com/v1alpha1", "Widget")
    assert not_served.status == "removed" and not_served.validator is None
    assert not_served.problems[0].severity == ERROR
    assert "has served: false" in not_served.problems[0].message

    undefined = cat.lookup("example.com/v2", "Widget")
    assert undefined.status == "removed"
    assert undefined.problems[0].message == (
        "example.com/v2 Widget is not served: CustomResourceDefinition widgets.example.com "
        "does not define version v2; use example.com/v1 Widget"
    )
    assert cat.lookup("example.com/v1", "Gadget").status == "unknown"


def test_deprecation_warning_text_from_the_crd() -> None:
    crd = widget_crd()
    crd["spec"]["versions"][1]["deprecationWarning"] = "use v1, v1beta1 goes away in 2.0"
    cat = Catalog("1.33")
    cat.add_crd(crd)
    found = cat.lookup("example.com/v1beta1", "Widget")
    assert [p.message for p in found.problems] == ["use v1, v1beta1 goes away in 2.0"]


def test_a_later_crd_replaces_an_earlier_one() -> None:
    cat = catalog("fast")
    assert cat.lookup("example.com/v1", "Widget").validator is not None
    crd = widget_crd()
    crd["spec"]["versions"][2]["schema"]["openAPIV3Schema"] = {
        "type": "object",
        "properties": {"spec": {"type": "object", "properties": {"size": {"type": "string"}}}},
    }
    assert cat.add_crd(crd) == []
    obj = {"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"size": 3}}
    assert errors(cat, obj) == [("/spec/size", "expected string, got integer")]


@pytest.mark.parametrize(
    ("mutate", "path", "fragment"),
    [
        (lambda s: s["properties"]["spec"]["properties"].update(x={"type": "strng"}),
         "/properties/spec/properties/x/type", "Unsupported value"),
        (lambda s: s["properties"]["spec"]["properties"].update(x={"type": "array",
                                                                  "items": [{"type": "string"}]}),
         "/properties/spec/properties/x/items", "must be a single schema"),
        (lambda s: s["properties"]["spec"]["properties"].update(x={"$ref": "#/definitions/x"}),
         "/properties/spec/properties/x/$ref", "$ref is not supported"),
        (lambda s: s["properties"]["spec"]["properties"].update(x="string"),
         "/properties/spec/properties/x", "must be an object"),
        (lambda s: s["properties"]["spec"]["properties"].update(x={"minimum": "1"}),
         "/properties/spec/properties/x/minimum", "must be a number"),
        (lambda s: s["properties"]["spec"]["properties"].update(x={"maxLength": -1}),
         "/properties/spec/properties/x/maxLength", "non-negative integer"),
        (lambda s: s["properties"]["spec"].update(required="size"),
         "/properties/spec/required", "list of field names"),
        (lambda s: s["properties"]["spec"]["properties"].update(x={"enum": []}),
         "/properties/spec/properties/x/enum", "non-empty list"),
        (lambda s: s["properties"]["spec"]["properties"].update(x={"type": "array",
                                                                  "uniqueItems": True}),
         "/properties/spec/properties/x/uniqueItems", "quadratic"),
        (lambda s: s.update(type="array"), "/type", "root must be of type"),
    ],
)  # fmt: skip
def test_bad_schemas_give_problems_not_exceptions(mutate: Any, path: str, fragment: str) -> None:
    crd = widget_crd()
    schema = copy.deepcopy(WIDGET_SCHEMA)
    mutate(schema)
    crd["spec"]["versions"][2]["schema"]["openAPIV3Schema"] = schema
    for engine in ENGINES:
        cat = Catalog("1.33", engine=engine)
        problems = cat.add_crd(crd)
        prefix = "/spec/versions/2/schema/openAPIV3Schema"
        assert [(p.path, p.severity) for p in problems] == [(prefix + path, ERROR)]
        assert fragment in problems[0].message
        found = cat.lookup("example.com/v1", "Widget")  # still usable, minus the bad part
        assert found.status == "custom" and found.validator is not None
        assert found.validator.errors(GOOD_WIDGET) == []


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "crd",
        {},
        {"spec": 1},
        {"spec": {"group": "g", "names": {"kind": "K"}}},
        {"spec": {"group": "g", "names": "K", "versions": [{}]}},
        {"spec": {"group": "g", "names": {"kind": "K"}, "versions": [None, {"name": 1}]}},
        {"spec": {"group": "g", "names": {"kind": "K"}, "versions": [{"name": "v1"}]}},
        {"spec": {"group": "g", "names": {"kind": "K"},
                  "versions": [{"name": "v1", "schema": {"openAPIV3Schema": []}}]}},
    ],
)  # fmt: skip
def test_garbage_crds_never_raise(body: Any) -> None:
    problems = Catalog("1.33").add_crd(body)
    assert problems and all(p.severity == ERROR for p in problems)


def test_unparseable_pattern_is_a_warning_and_is_skipped() -> None:
    crd = widget_crd()
    schema = copy.deepcopy(WIDGET_SCHEMA)
    schema["properties"]["spec"]["properties"]["nick"]["pattern"] = "^(?U)a+$"
    crd["spec"]["versions"][2]["schema"]["openAPIV3Schema"] = schema
    cat = Catalog("1.33")
    [problem] = cat.add_crd(crd)
    assert problem.severity == WARNING and "not checked" in problem.message
    obj = copy.deepcopy(GOOD_WIDGET)
    obj["spec"]["nick"] = "anything"
    assert errors(cat, obj) == []


def test_v1beta1_crds_register_nothing() -> None:
    legacy = [
        obj
        for source, obj in corpus_objects()
        if source.startswith("cert-manager-legacy") and obj["kind"] == "CustomResourceDefinition"
    ]
    assert legacy, "the legacy cert-manager CRDs are apiextensions.k8s.io/v1beta1"
    cat = Catalog("1.33")
    for crd in legacy:
        [problem] = cat.add_crd(crd)
        assert problem.path == "/apiVersion" and "only apiextensions.k8s.io/v1" in problem.message
    assert cat.lookup("certmanager.k8s.io/v1alpha1", "Certificate").status == "unknown"
    assert cat.lookup("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition").status == (
        "removed"
    )


def test_every_corpus_crd_converts_cleanly() -> None:
    crds = corpus_crds()
    assert len(crds) >= 80
    for strict in (True, False):
        cat = Catalog("1.33", strict=strict)
        for crd in crds:
            assert cat.add_crd(crd) == [], crd["metadata"]["name"]


@pytest.mark.parametrize("engine", ENGINES)
def test_prometheus_operator_custom_resources(engine: str) -> None:
    cat = Catalog("1.33", engine=engine)
    cat.add_crd(crd_named("servicemonitors.monitoring.coreos.com"))
    monitors = [obj for _, obj in corpus_objects() if obj["kind"] == "ServiceMonitor"]
    assert len(monitors) >= 10
    found = cat.lookup("monitoring.coreos.com/v1", "ServiceMonitor")
    assert found.status == "custom" and found.validator is not None
    for monitor in monitors:
        assert found.validator.errors(monitor) == [], monitor["metadata"]["name"]

    bad = copy.deepcopy(monitors[0])
    endpoint = bad["spec"]["endpoints"][0]
    endpoint.update({"interval": "30 seconds", "targetPort": 1.5, "honorLabels": "yes"})
    endpoint["portt"] = "web"
    bad["spec"]["selector"] = {"matchLabel": {"app": "x"}}
    assert [(p.path, p.message) for p in found.validator.errors(bad)] == [
        ("/spec/endpoints/0/honorLabels", "expected boolean, got string"),
        (
            "/spec/endpoints/0/interval",
            'must match the regular expression "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?'
            '(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"',
        ),
        ("/spec/endpoints/0/portt", 'unknown field "spec.endpoints[0].portt"'),
        ("/spec/endpoints/0/targetPort", "expected string or integer, got number"),
        ("/spec/selector/matchLabel", 'unknown field "spec.selector.matchLabel"'),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_argo_cd_application(engine: str) -> None:
    cat = Catalog("1.33", engine=engine)
    assert cat.add_crd(crd_named("applications.argoproj.io")) == []
    app = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "guestbook", "namespace": "argocd"},
        "spec": {
            "project": "default",
            "source": {
                "repoURL": "https://github.com/argoproj/argocd-example-apps.git",
                "targetRevision": "HEAD",
                "path": "guestbook",
            },
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "guestbook"},
            "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
        },
    }
    found = cat.lookup("argoproj.io/v1alpha1", "Application")
    assert found.validator is not None and found.validator.errors(app) == []
    bad = copy.deepcopy(app)
    del bad["spec"]["source"]["repoURL"]
    bad["spec"]["syncPolicy"]["automated"]["prune"] = "true"
    bad["spec"]["destination"]["cluster"] = "in-cluster"
    assert [(p.path, p.message) for p in found.validator.errors(bad)] == [
        ("/spec/destination/cluster", 'unknown field "spec.destination.cluster"'),
        ("/spec/source/repoURL", "Required value"),
        ("/spec/syncPolicy/automated/prune", "expected boolean, got string"),
    ]


def test_calico_case_insensitive_patterns(engine: str) -> None:
    """Calico writes `^(?i)(Drop|Accept)?$`: Go's inline flag mid-pattern."""
    cat = Catalog("1.33", engine=engine)
    assert cat.add_crd(crd_named("felixconfigurations.crd.projectcalico.org")) == []
    found = cat.lookup("crd.projectcalico.org/v1", "FelixConfiguration")
    assert found.validator is not None
    obj = {
        "apiVersion": "crd.projectcalico.org/v1",
        "kind": "FelixConfiguration",
        "metadata": {"name": "default"},
        "spec": {"logSeverityScreen": "info", "bpfLogLevel": "Off"},
    }
    assert found.validator.errors(obj) == []
    obj["spec"]["logSeverityScreen"] = "verbose"
    [problem] = found.validator.errors(obj)
    assert problem.path == "/spec/logSeverityScreen"
