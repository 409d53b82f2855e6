"""WXBizMsgCrypt, the callback encryption that WeCom and DingTalk's event subscription share
byte for byte (PROTOCOLS.md sections 1.4 and 2.3; WeCom doc path/91144).

- key = base64(EncodingAESKey + "="): 32 bytes, so AES-256-CBC, with IV = key[:16];
- plaintext = random(16) || len(msg) as 4 bytes big-endian || msg || receive id;
- PKCS#7 padding to a multiple of 32 (not 16): 1..32 bytes, each equal to the count;
- signature = sha1 of the sorted concatenation of token, timestamp, nonce and the base64 ciphertext.

The receive id is the corp id (WeCom self-built app), "" (WeCom AI bot) or the app key (DingTalk).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from chalicelib.errors import MalformedRequest, VerificationFailed

BLOCK = 32


class MsgCrypt:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("EncodingAESKey is not base64") from exc
        if len(key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes (43 characters)")
        self._token = token
        self._receive_id = receive_id.encode()
        # One Cipher for the key's lifetime: each call takes a fresh encryptor or decryptor from it (a
        # context of its own, so concurrent calls do not share state); building the Cipher per request
        # cost about 2 µs of a WeCom callback's 50.
        self._cipher = Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        parts = sorted([self._token, timestamp, nonce, encrypted])
        return hashlib.sha1("".join(parts).encode()).hexdigest()  # noqa: S324 - the protocol's own hash

    def verify(self, signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = self.signature(timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise VerificationFailed("signature mismatch")

    def decrypt(self, encrypted: str) -> bytes:
        """The message inside `encrypted`, after checking padding, length and receive id."""
        try:
            data = base64.b64decode(encrypted.replace(" ", "+"), validate=True)
        except ValueError as exc:  # binascii.Error, or a character outside ASCII
            raise MalformedRequest("ciphertext is not base64") from exc
        if not data or len(data) % 16:
            raise MalformedRequest("ciphertext length is not a multiple of the AES block")
        decryptor = self._cipher.decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise VerificationFailed("bad padding")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise VerificationFailed("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if len(message) != length:
            raise VerificationFailed("bad message length")
        if not hmac.compare_digest(receive_id, self._receive_id):
            raise VerificationFailed("receive id mismatch")
        return message

    def encrypt(self, message: bytes, *, random16: bytes | None = None) -> str:
        body = (random16 or os.urandom(16)) + struct.pack(">I", len(message)) + message + self._receive_id
        pad = BLOCK - len(body) % BLOCK
        body += bytes([pad]) * pad
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode()
