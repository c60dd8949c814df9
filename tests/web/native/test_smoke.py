from tests.support.factories import Tenant


def test_create_and_read(ua_tenant: Tenant) -> None:
    created = ua_tenant.native.post("/contacts", json={"phone": "0661234567", "name": "Taras"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["phone"] == "+380661234567"
    read = ua_tenant.native.get(f"/contacts/{body['id']}")
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
