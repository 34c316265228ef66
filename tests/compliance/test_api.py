"""POST /api/v1/compliance/check: the CLI's contract over HTTP; GET /api/v1/compliance/rulesets."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.compliance.helpers import CLEAN, doc


def test_check_one_document_and_a_list(api: TestClient) -> None:
    ok = api.post("/api/v1/compliance/check", json=CLEAN)
    assert ok.status_code == 200
    assert ok.json() == {"ok": True, "violations": []}
    failing = doc(("terms.monthly_pay", 3999.99))
    both = api.post("/api/v1/compliance/check?lang=en", json=[CLEAN, failing])
    assert [r["ok"] for r in both.json()] == [True, False]
    assert "3999.99 CNY" in both.json()[1]["violations"][0]["message"]


def test_numbers_are_exact_over_http(api: TestClient) -> None:
    # 0.1 + 0.2 style trouble: 4000.00 is exactly 80 % of 5000.00
    body = json.dumps(doc(("terms.monthly_pay", 0)))
    body = body.replace('"monthly_pay": 0', '"monthly_pay": 4000.00')
    response = api.post(
        "/api/v1/compliance/check", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.json()["ok"] is True


def test_rule_set_and_language_follow_the_query(api: TestClient) -> None:
    response = api.post(
        "/api/v1/compliance/check?rules=en-apprenticeship&lang=zh",
        json=doc(("terms.end", "2026-05-01")),
    )
    violation = response.json()["violations"][0]
    assert violation["rule"] == "enapp.min_duration"
    assert "学徒期" in violation["message"]


def test_malformed_facts_are_a_422_naming_the_path(api: TestClient) -> None:
    response = api.post("/api/v1/compliance/check", json=doc(("post.restrictions", ["radiation"])))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "malformed_facts"
    assert problem["errors"][0]["field"] == "post.restrictions[0]"
    bad_json = api.post(
        "/api/v1/compliance/check", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 422
    assert bad_json.json()["code"] == "not_json"
    unknown = api.post("/api/v1/compliance/check?rules=xx", json=CLEAN)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_ruleset"


def test_rulesets_list_every_rule_with_its_source(api: TestClient) -> None:
    response = api.get("/api/v1/compliance/rulesets", headers={"Accept-Language": "en"})
    sets = {s["id"]: s for s in response.json()}
    assert set(sets) == {"cn-2021", "de-bbig", "en-apprenticeship"}
    overtime = next(r for r in sets["cn-2021"]["rules"] if r["id"] == "cn2021.overtime")
    assert overtime["params"] == {"max_hours_per_day": 8, "max_hours_per_week": 40}
    assert overtime["severity"] == "block"
    assert overtime["kinds"] is None


def test_anonymous_callers_must_sign_in(client: TestClient) -> None:
    assert client.post("/api/v1/compliance/check", json=CLEAN).status_code == 401
