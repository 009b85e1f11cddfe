import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_unreachable(client, tmp_path):
    host = connection.settings_dict["HOST"]
    connection.close()
    connection.settings_dict["HOST"] = str(tmp_path)  # a socket directory with no server
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["HOST"] = host
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}  # no driver message, no host
