"""The OpenAPI document against the server, property-based (schemathesis) over real HTTP on
127.0.0.1: requests the document allows and requests it forbids, on every operation. No answer
may be a 5xx, break its documented schema or status, or accept what the document forbids.

Two depths. `make test` sends 10 generated examples an operation (valid and invalid), no
shrinking: about 7 CPU-seconds. The `slow` run (`make test-slow`, CI) sends 20 and adds
schemathesis's coverage cases (boundary values; for record bodies the invalid ones only),
about 3,300 requests and 19 CPU-seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.config import OperationConfig, OperationsConfig
from schemathesis.pytest.lazy import LazySchema
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.schemas import OpenApiSchema

from kafinea_tui import __version__
from kafinea_tui.client import Client
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.sync.api.openapi.document import openapi_document
from kafinea_tui.sync.api.params import SPREADSHEET_TYPES
from tests.api.server import serve

QUICK_EXAMPLES = 10
THOROUGH_EXAMPLES = 20

# A workbook body is bytes, as application/octet-stream is (the server answers a body that is no
# workbook with a sentence, which the checks hold it to).
schemathesis.serializer.alias(list(SPREADSHEET_TYPES), "application/octet-stream")

# The coverage phase enumerates each record field's boundary values: in the record bodies of
# POST records and PATCH a record that is ~1,500 of the run's ~3,300 requests, two thirds of
# them valid records written one by one (tests/api/test_import_values.py and the data tests
# check those values' parsing). There it sends the invalid ones only (wrong types, out of
# range, unexpected properties: the 5xx bugs it finds in practice); the generation phase
# still sends valid and invalid bodies of both.
RECORD_BODIES = r"^(POST /api/v1/\{module\}/records|PATCH /api/v1/\{module\}/records/\{id\})$"


def document_schema(examples: int, coverage: bool) -> OpenApiSchema:
    """The document and its settings, made when a test runs: schemathesis makes an
    operation's coverage cases with its test, ~1.5 CPU-seconds for all, which as a module-level
    schema every xdist worker paid when collecting, though one runs the test."""
    document = openapi_document(__version__, Store.open(":memory:").schema)
    schema = schemathesis.openapi.from_dict(document)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=examples,
        no_shrink=True,
        deterministic=True,
    )
    schema.config.phases.coverage.enabled = coverage
    schema.config.operations = OperationsConfig(
        operations=[
            OperationConfig.from_dict(
                {
                    "include-name-regex": RECORD_BODIES,
                    "phases": {"coverage": {"generation": {"mode": "negative"}}},
                }
            )
        ]
    )
    return schema


@pytest.fixture(scope="module")
def quick_schema() -> OpenApiSchema:
    return document_schema(QUICK_EXAMPLES, coverage=False)


@pytest.fixture(scope="module")
def thorough_schema() -> OpenApiSchema:
    return document_schema(THOROUGH_EXAMPLES, coverage=True)


def sent(schema: LazySchema) -> LazySchema:
    """The operations a run sends. Adding fields changes the document itself (records grow a
    column), and creating or revoking tokens the access of the run: tests/api/test_admin_api.py
    drives those routes instead."""
    return schema.exclude(path="/api/v1/{module}/fields", method="POST").exclude(
        path_regex="^/api/v1/tokens"
    )


def run_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))


# Each operation is a subtest of the test that takes the schema.
quick = sent(schemathesis.pytest.from_fixture("quick_schema"))
thorough = sent(schemathesis.pytest.from_fixture("thorough_schema"))


@dataclass
class Live:
    base: str
    token: str
    # One session for all the requests: its connections are kept alive, and it reads no proxy
    # settings (`trust_env`), which requests otherwise looks up in the environment for each
    # request (a seventh of the thorough run's CPU).
    session: requests.Session


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    store = Store.open(":memory:")
    token = create_token(store, "schemathesis")
    store.create("organizations", {"name": "Acme"})
    store.create("contacts", {"last_name": "Lee", "email": "ann@x.fr", "organization": 1})
    store.create("products", {"product_code": "P-1", "name": "Widget"})
    with serve(store) as base, requests.Session() as session:
        session.trust_env = False
        yield Live(base, token, session)
    store.close()


@quick.parametrize()
@run_settings(QUICK_EXAMPLES)
def test_the_server_keeps_the_document(case: schemathesis.Case, live: Live) -> None:
    keeps_the_document(case, live)


@pytest.mark.slow
@thorough.parametrize()
@run_settings(THOROUGH_EXAMPLES)
def test_the_server_keeps_the_document_thoroughly(case: schemathesis.Case, live: Live) -> None:
    keeps_the_document(case, live)


def keeps_the_document(case: schemathesis.Case, live: Live) -> None:
    # Every check but "schema-valid requests are accepted": a filter, a sort or a CSV body
    # has a grammar no JSON schema can state, so a valid string may still be a wrong filter
    # (a 400 with its position, as documented).
    case.call_and_validate(
        base_url=live.base,
        session=live.session,
        headers={"Authorization": f"Bearer {live.token}"},
        excluded_checks=[positive_data_acceptance],
        timeout=60,
    )


def test_the_document_names_this_workspaces_modules_and_fields(live: Live) -> None:
    with Client(live.base) as anonymous:
        document = anonymous.get_json("/openapi.json")
    module = document["paths"]["/api/v1/{module}/records"]["get"]["parameters"][0]
    assert set(module["schema"]["enum"]) == {
        "organizations",
        "contacts",
        "leads",
        "products",
        "salesorders",
    }
    contact = document["components"]["schemas"]["ContactsRecord"]
    assert contact["properties"]["birthdate"] == {"type": ["string", "null"], "format": "date"}
    assert contact["properties"]["organization"] == {"type": ["string", "null"]}
    assert contact["additionalProperties"] is False
    limit = document["paths"]["/api/v1/{module}/records"]["get"]["parameters"][4]
    assert limit["schema"] == {"type": "integer", "minimum": 0, "maximum": 1000}


def test_custom_fields_are_in_the_document() -> None:
    store = Store.open(":memory:")
    store.add_custom_field("contacts", "Shoe Size", "integer")
    document = openapi_document(__version__, store.schema)
    record = document["components"]["schemas"]["ContactsRecord"]["properties"]
    assert record["cf_shoe_size"] == {"type": ["integer", "null"]}


def test_the_document_has_the_config_routes_beside_the_reads(live: Live) -> None:
    """The config.toml writes share paths with the automation reads: both are documented."""
    with Client(live.base) as anonymous:
        paths = anonymous.get_json("/openapi.json")["paths"]
    at = "/api/v1/automation"
    assert set(paths[f"{at}/endpoints"]) == {"get", "post"}
    assert set(paths[f"{at}/endpoints/{{name}}"]) == {"put"}
    assert set(paths[f"{at}/workflows"]) == {"get", "post"}
    assert set(paths[f"{at}/schedules"]) == {"get", "post"}
    body = paths[f"{at}/schedules"]["post"]["requestBody"]["content"]
    assert list(body) == ["text/plain"]
    endpoint = paths[f"{at}/endpoints/{{name}}"]["put"]["requestBody"]["content"]
    assert set(endpoint["application/json"]["schema"]["properties"]) == {
        "name",
        "url",
        "secret",
        "format",
        "retries",
        "timeout",
        "headers",
    }
