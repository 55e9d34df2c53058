"""schemathesis against the API's own OpenAPI schema, over real HTTP to ``kg serve``: no answer is a 5xx other
than the documented 503 (busy) and 504 (query time limit), and no answer carries a stack trace.

(schemathesis' pytest fixture loader does not run under pytest 9, so the test walks the operations itself and
runs each operation's hypothesis strategy.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

EXAMPLES = 15  # per operation and mode (valid and invalid input)


@pytest.mark.slow
def test_no_server_errors(server):
    schema = schemathesis.openapi.from_url(server + "/openapi.json")
    calls: dict[str, int] = {}
    statuses: dict[int, int] = {}
    operations = [result.ok() for result in schema.get_all_operations()]

    def fuzz(operation, mode: GenerationMode):  # one hypothesis test per operation and mode
        label = f"{operation.method.upper()} {operation.path}"

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy(mode))
        def run(case) -> None:
            response = case.call(base_url=server, timeout=60)
            calls[label] = calls.get(label, 0) + 1
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500 or response.status_code in (503, 504), (
                f"{label} {case.path_parameters} {case.query} {case.body!r}: {response.status_code} {response.text[:500]}")
            assert "Traceback" not in response.text and 'File "/' not in response.text

        return run

    for operation, mode in [(op, mode) for op in operations for mode in GenerationMode]:
        try:
            fuzz(operation, mode)()
        except Unsatisfiable:  # an operation without parameters has no invalid input to generate
            assert mode is GenerationMode.NEGATIVE
    print({"operations": len(calls), "requests": sum(calls.values()), "statuses": dict(sorted(statuses.items()))})
    assert len(calls) >= 10
