"""A NUL character in the path, the query string or a form is refused with 400 before any view runs."""

import io

import pytest


@pytest.mark.parametrize("url", ["/portal/login?next=%00", "/portal/login?%00=x", "/portal/lo%00gin"])
def test_a_nul_in_the_address_is_refused(client, url):
    assert client.get(url).status_code == 400


def test_a_nul_in_a_url_encoded_form_is_refused(client):
    assert client.post("/portal/login", data={"login": "a\x00", "password": "x"}).status_code == 400
    assert client.post("/portal/login", data={"log\x00in": "a", "password": "x"}).status_code == 400


def test_a_nul_in_a_multipart_form_is_refused(client):
    data = {"login": "a\x00", "password": "x", "file": (io.BytesIO(b"x"), "x.txt")}
    assert client.post("/portal/login", data=data, content_type="multipart/form-data").status_code == 400


def test_a_body_that_is_no_form_is_not_read_as_one(client):
    """Only form bodies become ``request.form``: a NUL in another body is the view's to judge."""
    response = client.post("/portal/login", data=b"login=a\x00&password=x", content_type="text/plain")
    assert response.status_code != 400
