from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.college.models import College

PROBLEM = "application/problem+json"
NEW = {"code": "API1", "name_zh": "接口学院", "name_en": "API College", "region_code": "110000"}


def test_create_get_and_list(api: TestClient) -> None:
    created = api.post("/api/v1/colleges", json=NEW)
    assert created.status_code == 201
    body = created.json()
    assert created.headers["location"] == f"/api/v1/colleges/{body['id']}"
    assert body["version"] == 1
    assert api.get(f"/api/v1/colleges/{body['id']}").json()["code"] == "API1"
    listed = api.get("/api/v1/colleges", params={"q": "api1"}).json()
    assert [c["code"] for c in listed["items"]] == ["API1"]
    assert listed["meta"] == {"total": 1, "page": 1, "per_page": 25, "pages": 1}


def test_validation_errors_are_problem_json_with_fields(api: TestClient) -> None:
    response = api.post("/api/v1/colleges", json={"code": "x", "name_zh": " ", "region_code": "1"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_failed"
    fields = {e["field"]: e for e in body["errors"]}
    assert set(fields) == {"code", "name_zh", "name_en", "region_code"}
    assert fields["name_en"]["message"] == "This field is required."
    assert fields["name_zh"]["code"] == "missing"
    assert "440100" in fields["region_code"]["message"]


def test_errors_follow_the_users_language(api: TestClient) -> None:
    zh = api.post("/api/v1/colleges", json={}, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.json()["errors"][0]["message"] == "此项为必填项。"
    assert zh.json()["title"] == "部分字段需要修改"
    assert zh.headers["content-language"] == "zh-CN"
    en = api.post("/api/v1/colleges", json={}, headers={"Accept-Language": "en-GB"})
    assert en.json()["errors"][0]["message"] == "This field is required."


def test_malformed_json_and_unknown_fields(api: TestClient) -> None:
    bad = api.post(
        "/api/v1/colleges", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["message"] == "The request body is not valid JSON."
    extra = api.post("/api/v1/colleges", json={**NEW, "code": "EXTRA", "surprise": 1})
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "surprise"


def test_duplicate_is_conflict_and_nothing_is_written(api: TestClient, session: Session) -> None:
    assert api.post("/api/v1/colleges", json=NEW).status_code == 201
    again = api.post("/api/v1/colleges", json={**NEW, "name_en": "Other"})
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    assert again.json()["errors"][0]["field"] == "code"
    assert session.scalar(select(College.name_en).where(College.code == "API1")) == "API College"


def test_unknown_ids_are_404(api: TestClient) -> None:
    for path in [
        "/api/v1/colleges/999999",
        "/api/v1/colleges/999999/departments",
        "/api/v1/colleges/999999/departments/1",
    ]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM


def test_patch_with_stale_version_is_409(api: TestClient) -> None:
    college = api.post("/api/v1/colleges", json=NEW).json()
    url = f"/api/v1/colleges/{college['id']}"
    ok = api.patch(url, json={"name_en": "Renamed", "version": 1})
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = api.patch(url, json={"name_en": "Lost update", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert api.get(url).json()["name_en"] == "Renamed"


def test_department_routes(api: TestClient, session: Session) -> None:
    college = api.post("/api/v1/colleges", json=NEW).json()
    base = f"/api/v1/colleges/{college['id']}/departments"
    created = api.post(base, json={"code": "mech", "name_zh": "机电", "name_en": "Mech"})
    assert created.status_code == 201
    dept = created.json()
    assert dept["code"] == "MECH"
    assert api.get(base).json()["items"][0]["id"] == dept["id"]
    assert api.get(f"{base}/{dept['id']}").json()["name_en"] == "Mech"
    patched = api.patch(f"{base}/{dept['id']}", json={"name_en": "Mechatronics"})
    assert patched.json()["name_en"] == "Mechatronics"
    assert api.post(base, json={"code": "MECH", "name_zh": "x", "name_en": "x"}).status_code == 409
    assert api.delete(f"{base}/{dept['id']}").status_code == 204
    assert api.get(f"{base}/{dept['id']}").status_code == 404
    assert api.delete(f"{base}/{dept['id']}").status_code == 404
    audited = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "department")
    ).all()
    assert sorted(audited) == ["create", "delete", "update"]


def test_department_of_another_college_is_404(api: TestClient) -> None:
    first = api.post("/api/v1/colleges", json=NEW).json()
    second = api.post("/api/v1/colleges", json={**NEW, "code": "API2"}).json()
    dept = api.post(
        f"/api/v1/colleges/{first['id']}/departments",
        json={"code": "X1", "name_zh": "x", "name_en": "x"},
    ).json()
    assert api.get(f"/api/v1/colleges/{second['id']}/departments/{dept['id']}").status_code == 404


def test_list_parameters_are_validated(api: TestClient) -> None:
    assert api.get("/api/v1/colleges", params={"sort": "password"}).status_code == 422
    assert api.get("/api/v1/colleges", params={"per_page": 0}).status_code == 422
    assert api.get("/api/v1/colleges", params={"per_page": 201}).status_code == 422
    assert api.get("/api/v1/colleges", params={"page": "x"}).status_code == 422


def test_openapi_document_lists_the_api(api: TestClient) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/colleges" in spec["paths"]
    assert "/colleges" not in spec["paths"]  # pages are not part of the API
