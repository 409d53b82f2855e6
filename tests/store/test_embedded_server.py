"""The embedded DynamoDB (local/dynamo.py) speaks HTTP/1.1 as DynamoDB's endpoint does: a connection
serves request after request, whatever the request's body framing, so botocore's pool reuses it."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from local.dynamo import DUMMY_CREDENTIAL, REGION, EmbeddedDynamo

pytestmark = pytest.mark.dynamodb

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.ListTables",
    # moto routes by the credential scope and does not check the signature.
    "Authorization": (
        f"AWS4-HMAC-SHA256 Credential={DUMMY_CREDENTIAL}/20240301/{REGION}/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0"
    ),
}


@pytest.fixture
def connection(dynamodb: EmbeddedDynamo) -> Iterator[http.client.HTTPConnection]:
    where = urlsplit(dynamodb.endpoint_url)
    conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=10)
    yield conn
    conn.close()


def list_tables(conn: http.client.HTTPConnection, *, chunked: bool = False) -> dict[str, object]:
    body = json.dumps({"Limit": 1}).encode()
    if chunked:
        conn.request("POST", "/", body=iter([body[:3], body[3:]]), headers=HEADERS, encode_chunked=True)
    else:
        conn.request("POST", "/", body=body, headers=HEADERS)
    response = conn.getresponse()
    answer = json.loads(response.read())
    assert response.status == 200, answer
    assert not response.will_close, "the server asked to close the connection"
    assert isinstance(answer, dict)
    return answer


def test_one_connection_serves_request_after_request(connection: http.client.HTTPConnection) -> None:
    list_tables(connection)
    first_socket = connection.sock
    for _ in range(3):
        assert "TableNames" in list_tables(connection)
    assert connection.sock is first_socket


def test_a_chunked_request_is_read_to_its_end_and_the_connection_goes_on(
    connection: http.client.HTTPConnection,
) -> None:
    list_tables(connection, chunked=True)
    first_socket = connection.sock
    assert "TableNames" in list_tables(connection)
    assert connection.sock is first_socket


def test_botocore_reuses_one_connection_for_many_requests(
    dynamodb: EmbeddedDynamo, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = dynamodb.client()
    where = urlsplit(dynamodb.endpoint_url)
    connects: list[Any] = []
    connect = socket.socket.connect

    def counted(sock: socket.socket, address: Any) -> None:
        if tuple(address)[:2] == (where.hostname, where.port):
            connects.append(address)
        connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", counted)
    for _ in range(6):
        client.list_tables()
    assert len(connects) == 1
