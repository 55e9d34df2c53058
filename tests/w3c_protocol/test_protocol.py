"""The W3C SPARQL 1.1 Protocol test suite against one real ``kg serve`` (see runner.py and README.md).

All tests' graphs are loaded with ``kg load`` into one temporary data directory under the IRIs the
manifest gives; one server answers the whole suite. Every query test must pass; every update test
must meet the read-only refusal (or, for a malformed update, the 4xx the test expects). The table of
all outcomes is printed and must equal RESULTS.md, so the record beside the tests cannot go stale
(``KG_W3C_RECORD=1`` rewrites it).
"""

from __future__ import annotations

import os

import pytest

from tests.reliability.conftest import serving
from tests.reliability.helpers import kg
from tests.w3c_protocol.runner import HERE, all_graphs, read_manifest, run_test, table

RESULTS = HERE / "RESULTS.md"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    tests = read_manifest()
    data = tmp_path_factory.mktemp("w3c") / "data"
    for iri, file in sorted(all_graphs(tests).items()):
        done = kg("load", str(file), "--graph", iri, "--data-dir", str(data), timeout=120)
        assert done.returncode == 0, done.stderr
    with serving(data) as base:
        yield base


@pytest.fixture(scope="module")
def outcomes(endpoint):
    return [run_test(test, endpoint) for test in read_manifest()]


def test_the_manifest_holds_34_tests_and_3_graphs():
    tests = read_manifest()
    assert len(tests) == 34 and len({t.id for t in tests}) == 34
    assert sorted(all_graphs(tests)) == [f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3)]


def test_every_query_test_passes(outcomes):
    queries = [o for o in outcomes if o.test.kind == "query"]
    assert len(queries) == 20
    assert [(o.test.id, o.reason) for o in queries if o.result != "passed"] == []


def test_update_tests_get_the_read_only_refusal_or_their_4xx(outcomes):
    updates = [o for o in outcomes if o.test.kind == "update"]
    assert len(updates) == 14
    assert [(o.test.id, o.reason) for o in updates if o.result == "failed"] == []
    # an update the protocol says must succeed can only be refused here: never counted as passed
    must_succeed = [o for o in updates if 2 in o.test.requests[0].expected.statuses]
    assert len(must_succeed) == 7 and {o.result for o in must_succeed} == {"read-only"}
    assert all(o.got[0] == "403 problem+json (update-forbidden)" for o in must_succeed)


def test_the_recorded_table_is_this_run(outcomes):
    text = "# W3C SPARQL 1.1 Protocol tests against `kg serve`\n\n" + table(outcomes)
    print("\n" + text)
    if os.environ.get("KG_W3C_RECORD"):
        RESULTS.write_text(text, encoding="utf-8")
    assert RESULTS.read_text(encoding="utf-8") == text, "RESULTS.md is stale: rerun with KG_W3C_RECORD=1"
