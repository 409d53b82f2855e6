"""The WeCom message archive as the fake Finance SDK serves it (local/fakes/finance_sdk/).

`FakeArchive(directory)` writes what the C library reads from `QG_FAKE_FINANCE_DIR`: each posted message
becomes one archived item, `{"seq", "msgid", "publickey_ver", "encrypt_random_key", "encrypt_chat_msg"}`
(the shape of GetChatData's `chatdata`, doc path/91774), encrypted as WeCom does where the scheme is
public: a random key, RSA PKCS#1 v1.5 with the public key of the current `publickey_ver`, base64. The
message itself is encrypted with the fake's labelled scheme, "qgfake1" (WeCom's is proprietary): base64
of `qgfake1:` and the JSON XOR the random key.

- `rotate_key()` uploads a new public key: the version goes up, later items use it, older keys stay.
- `fail_with(errcode)` makes GetChatData answer WeCom's server-side error (301042, 301052);
  `sdk_error(code)` makes it return an SDK code (10001 network); `clear_errors()` undoes both.
- `add_media(sdkfileid, data)` serves a file to GetMediaData.
- `post_raw(line)` archives an item as given (malformed JSON, a missing field) to test refusals.

The keys are kept in the directory (`keys/<version>.pem`), so that another process opening the same
directory (`make demo`, against the stack `make run` started) encrypts for the same keys.

`register(fake)` adds the group-facts calls to the recording server (`local.fakes.server`):
`msgaudit/groupchat/get` (internal groups, doc path/92951) and `externalcontact/groupchat/get` (customer
groups, doc path/92707). `set_room(fake, room, ...)` says what WeCom knows of a group (POST
`/wecom/_archive_rooms`, so a fake in another process works too); an internal group the fake was not told
of is answered with an empty name, and a customer group is unknown to `msgaudit/groupchat/get` (86003),
as on WeCom. Both calls want an access token (any `gettoken` issued).
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import threading
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from local.fakes.server import Answer, Call

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

LABEL = b"qgfake1:"
PREFIX = "/wecom/cgi-bin/"
ROOMS_PATH = "/wecom/_archive_rooms"
_KEY_ALPHABET = string.ascii_letters + string.digits


class FakeArchive:
    def __init__(self, directory: Path, *, first_version: int = 1) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "media").mkdir(exist_ok=True)
        (self.directory / "keys").mkdir(exist_ok=True)
        self._keys: dict[int, rsa.RSAPrivateKey] = self._saved_keys()
        self._lock = threading.Lock()
        self.version = max(self._keys, default=first_version - 1)
        self.seq = self._last_seq()
        if not self._keys:
            self.rotate_key()

    # Keys ------------------------------------------------------------------------------------------
    def rotate_key(self) -> int:
        """A new key pair, as an admin uploading a new public key: its version is the next one."""
        with self._lock:
            self.version += 1
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self._keys[self.version] = key
            (self.directory / "keys" / f"{self.version}.pem").write_bytes(_pem(key))
            return self.version

    def private_keys(self, *versions: int) -> dict[str, str]:
        """`{"<version>": "<PEM>"}` for the given versions (all by default): WECOM_ARCHIVE_PRIVATE_KEYS."""
        chosen = versions or tuple(self._keys)
        return {str(version): _pem(self._keys[version]).decode() for version in chosen}

    def private_keys_json(self, *versions: int) -> str:
        return json.dumps(self.private_keys(*versions))

    # Messages --------------------------------------------------------------------------------------
    def post(self, message: dict[str, Any], *, version: int | None = None) -> int:
        """Archive one plaintext message (the vendor's JSON shape); returns its seq."""
        plain = json.dumps(message, ensure_ascii=False).encode()
        return self.post_plain(plain, msgid=str(message.get("msgid", "")), version=version)

    def post_plain(self, plain: bytes, *, msgid: str, version: int | None = None) -> int:
        """Archive `plain` as an item's decrypted message exactly (for malformed ones); returns its seq."""
        used = version or self.version
        random_key = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(32))
        encrypted_key = self._keys[used].public_key().encrypt(random_key.encode(), padding.PKCS1v15())
        key = random_key.encode()
        cipher = LABEL + bytes(byte ^ key[i % len(key)] for i, byte in enumerate(plain))
        with self._lock:
            self.seq += 1
            item = {
                "seq": self.seq,
                "msgid": msgid,
                "publickey_ver": used,
                "encrypt_random_key": base64.b64encode(encrypted_key).decode(),
                "encrypt_chat_msg": base64.b64encode(cipher).decode(),
            }
            self._append(self.seq, json.dumps(item))
            return self.seq

    def post_raw(self, line: str) -> int:
        """Archive `line` as the item's JSON exactly (for malformed items); returns its seq."""
        with self._lock:
            self.seq += 1
            self._append(self.seq, line)
            return self.seq

    def clear(self) -> None:
        with self._lock:
            (self.directory / "chatdata.tsv").unlink(missing_ok=True)

    # Errors and media ------------------------------------------------------------------------------
    def fail_with(self, errcode: int, errmsg: str = "") -> None:
        body = {"errcode": errcode, "errmsg": errmsg or f"fake error {errcode}", "chatdata": []}
        (self.directory / "errcode").write_text(json.dumps(body))

    def sdk_error(self, code: int) -> None:
        (self.directory / "sdk_error").write_text(str(code))

    def clear_errors(self) -> None:
        (self.directory / "errcode").unlink(missing_ok=True)
        (self.directory / "sdk_error").unlink(missing_ok=True)

    def add_media(self, sdkfileid: str, data: bytes) -> None:
        (self.directory / "media" / sdkfileid.encode().hex()).write_bytes(data)

    def _append(self, seq: int, line: str) -> None:
        if "\n" in line or "\t" in line:
            raise ValueError("an archived item is one line without tabs")
        with (self.directory / "chatdata.tsv").open("a", encoding="utf-8") as file:
            file.write(f"{seq}\t{line}\n")

    def _saved_keys(self) -> dict[int, rsa.RSAPrivateKey]:
        """The keys an earlier `FakeArchive` on this directory made (the stack's, reopened by the demo)."""
        found: dict[int, rsa.RSAPrivateKey] = {}
        for path in (self.directory / "keys").glob("*.pem"):
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if path.stem.isdigit() and isinstance(key, rsa.RSAPrivateKey):
                found[int(path.stem)] = key
        return found

    def _last_seq(self) -> int:
        path = self.directory / "chatdata.tsv"
        if not path.exists():
            return 0
        lines = path.read_text(encoding="utf-8").splitlines()
        return int(lines[-1].split("\t", 1)[0]) if lines else 0


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def register(fake: FakeMessengers) -> None:
    rooms: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()

    def room_of(call: Call, field: str) -> tuple[str, dict[str, Any] | None]:
        body = call.body if isinstance(call.body, dict) else {}
        room = str(body.get(field, ""))
        with lock:
            return room, rooms.get(room)

    def internal(call: Call) -> Answer:
        if not call.query.get("access_token"):
            return Answer(body={"errcode": 41001, "errmsg": "access_token missing"})
        _, known = room_of(call, "roomid")
        if known is not None and known["external"]:
            return Answer(body={"errcode": 86003, "errmsg": "room not exist"})
        known = known or {"name": "", "owner": "", "admins": [], "members": []}
        return Answer(
            body={
                "errcode": 0,
                "errmsg": "ok",
                "roomname": known["name"],
                "creator": known["owner"],
                "room_create_time": 1592361604,
                "notice": "",
                "members": [{"memberid": m, "jointime": 1592361605} for m in known["members"]],
            }
        )

    def customer(call: Call) -> Answer:
        if not call.query.get("access_token"):
            return Answer(body={"errcode": 41001, "errmsg": "access_token missing"})
        room, known = room_of(call, "chat_id")
        if known is None or not known["external"]:
            return Answer(body={"errcode": 40050, "errmsg": "chat_id not exist"})
        need_name = isinstance(call.body, dict) and call.body.get("need_name") == 1
        chat = {
            "chat_id": room,
            "name": known["name"],
            "owner": known["owner"],
            "create_time": 1572505490,
            "member_list": [_member(m, known["names"].get(m, ""), need_name) for m in known["members"]],
            "admin_list": [{"userid": a} for a in known["admins"]],
        }
        return Answer(body={"errcode": 0, "errmsg": "ok", "group_chat": chat})

    def set_rooms(call: Call) -> Answer:
        body = call.body if isinstance(call.body, dict) else {}
        with lock:
            rooms[str(body["room"])] = {
                "name": str(body.get("name", "")),
                "owner": str(body.get("owner", "")),
                "admins": [str(a) for a in body.get("admins", [])],
                "members": [str(m) for m in body.get("members", [])],
                "names": {str(m): str(n) for m, n in (body.get("names") or {}).items()},
                "external": bool(body.get("external", False)),
            }
        return Answer(body={"errcode": 0, "errmsg": "ok"})

    fake.route(f"{PREFIX}msgaudit/groupchat/get", internal)
    fake.route(f"{PREFIX}externalcontact/groupchat/get", customer)
    fake.route(ROOMS_PATH, set_rooms)


def set_room(
    fake: FakeMessengers | str,
    room: str,
    *,
    name: str,
    owner: str,
    admins: tuple[str, ...] = (),
    members: tuple[str, ...] = (),
    external: bool = False,
    names: dict[str, str] | None = None,
) -> None:
    """What WeCom knows of `room` (over HTTP: works for a fake in another process too, named by its base
    URL). `names`: what a customer group's `member_list` gives as each member's `name` (`need_name`)."""
    base = fake if isinstance(fake, str) else fake.url
    body = {"room": room, "name": name, "owner": owner, "admins": admins, "members": members, "names": names}
    data = json.dumps({**body, "external": external}).encode()
    request = urllib.request.Request(f"{base}{ROOMS_PATH}", data=data, method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        response.read()


def _member(user: str, name: str, need_name: bool) -> dict[str, Any]:
    """One of a customer group's `member_list` (doc path/92707): `name` only when asked (`need_name`)."""
    member: dict[str, Any] = {"userid": user, "type": 1, "join_time": 1572505491}
    if need_name:
        member["name"] = name
    return member
