import pytest


@pytest.mark.django_db
def test_pages(anonymous, staff, editor, member, outsider, org_a):
    for client in (anonymous, staff, editor, member):
        for url in [
            "/",
            "/organisationen/",
            "/organisationen/caritas-stuttgart/",
            "/impressum/",
            "/datenschutz/",
        ]:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
    assert editor.get("/organisationen/caritas-stuttgart/bearbeiten/").status_code == 200
    assert staff.get("/geschaeftsstelle/").status_code == 200
