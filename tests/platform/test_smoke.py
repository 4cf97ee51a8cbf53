import pytest
from django.test import Client


@pytest.mark.django_db
def test_dashboard_redirects_anonymous_visitor_to_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_sign_in_page_renders_with_strict_csp(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
