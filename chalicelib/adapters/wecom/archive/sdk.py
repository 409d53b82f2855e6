"""The ctypes binding over WeCom's Finance SDK (`libWeWorkFinanceSdk_C.so`), exactly its documented C ABI
(header `WeWorkFinanceSdk_C.h`, doc path/91774; C usage example path/91551):

    WeWorkFinanceSdk_t* NewSdk();  int Init(sdk, const char* corpid, const char* secret);
    int GetChatData(sdk, unsigned long long seq, unsigned int limit, const char* proxy, const char* passwd,
                    int timeout, Slice_t* out);
    int DecryptData(const char* encrypt_key, const char* encrypt_msg, Slice_t* out);
    int GetMediaData(sdk, const char* indexbuf, const char* sdkfileid, const char* proxy, const char* passwd,
                     int timeout, MediaData_t* out);
    void DestroySdk(sdk);  Slice_t* NewSlice();  void FreeSlice(Slice_t*);
    char* GetContentFromSlice(Slice_t*);  int GetSliceLen(Slice_t*);
    MediaData_t* NewMediaData();  void FreeMediaData(MediaData_t*);  char* GetOutIndexBuf(MediaData_t*);
    char* GetData(MediaData_t*);  int GetIndexLen(MediaData_t*);  int GetDataLen(MediaData_t*);
    int IsMediaDataFinish(MediaData_t*);

- Pointers are declared `c_void_p` so that ctypes never truncates them or reads a buffer up to a NUL:
  every buffer is read by its length (`string_at(ptr, len)`), binary-safe.
- Every slice and media buffer is freed in a `finally`, whatever the call returned.
- `DecryptData` is given only inputs checked here first: the vendor library throws an uncaught C++
  exception, which aborts the whole process, on an empty key or a very short message.
- The library is the company's (downloaded from WeCom, deployed as a Lambda layer under /opt): qunguan
  never ships it, and loads it only when the worker first pulls.
"""

from __future__ import annotations

import ctypes
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from chalicelib.adapters.wecom.archive.errors import ArchiveConfigError, BadInput, SdkError

MAX_LIMIT = 1000  # GetChatData: "limit 表示本次拉取的最大消息条数，取值范围为1~1000"
# The shortest `encrypt_chat_msg` handed to DecryptData; real ones are hundreds of characters.
MIN_MESSAGE_CHARS = 16
MAX_MEDIA_BYTES = 100 * 1024 * 1024
_BASE64 = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
_PRINTABLE = re.compile(rb"[\x21-\x7e]+")

_c_void_p = ctypes.c_void_p
_c_char_p = ctypes.c_char_p
_c_int = ctypes.c_int

# name: (restype, argtypes)
_SIGNATURES: dict[str, tuple[object, list[object]]] = {
    "NewSdk": (_c_void_p, []),
    "Init": (_c_int, [_c_void_p, _c_char_p, _c_char_p]),
    "DestroySdk": (None, [_c_void_p]),
    "GetChatData": (
        _c_int,
        [_c_void_p, ctypes.c_ulonglong, ctypes.c_uint, _c_char_p, _c_char_p, _c_int, _c_void_p],
    ),
    "DecryptData": (_c_int, [_c_char_p, _c_char_p, _c_void_p]),
    "GetMediaData": (_c_int, [_c_void_p, _c_char_p, _c_char_p, _c_char_p, _c_char_p, _c_int, _c_void_p]),
    "NewSlice": (_c_void_p, []),
    "FreeSlice": (None, [_c_void_p]),
    "GetContentFromSlice": (_c_void_p, [_c_void_p]),
    "GetSliceLen": (_c_int, [_c_void_p]),
    "NewMediaData": (_c_void_p, []),
    "FreeMediaData": (None, [_c_void_p]),
    "GetOutIndexBuf": (_c_void_p, [_c_void_p]),
    "GetData": (_c_void_p, [_c_void_p]),
    "GetIndexLen": (_c_int, [_c_void_p]),
    "GetDataLen": (_c_int, [_c_void_p]),
    "IsMediaDataFinish": (_c_int, [_c_void_p]),
}


def load_library(path: str) -> ctypes.CDLL:
    """The SDK at `path`, every function of the ABI declared; a clear error if it is not there."""
    if not Path(path).is_file():
        raise ArchiveConfigError(f"WECOM_FINANCE_SDK_PATH: no file at {path}")
    try:
        library = ctypes.CDLL(path)
    except OSError as exc:
        raise ArchiveConfigError(f"WECOM_FINANCE_SDK_PATH: {path} could not be loaded: {exc}") from exc
    for name, (restype, argtypes) in _SIGNATURES.items():
        try:
            function = getattr(library, name)
        except AttributeError as exc:
            raise ArchiveConfigError(f"{path} has no {name}: not the Finance SDK's C library") from exc
        function.restype = restype
        function.argtypes = argtypes
    return library


@lru_cache(maxsize=2)
def cached_library(path: str) -> ctypes.CDLL:
    """The SDK at `path`, loaded once per process (a library cannot be unloaded anyway)."""
    return load_library(path)


class FinanceSdk:
    """One initialised SDK handle. Not shared between threads: each pull makes its own."""

    def __init__(self, library: ctypes.CDLL, corp_id: str, secret: str) -> None:
        if not corp_id or not secret:
            raise ArchiveConfigError("the archive needs WECOM_CORP_ID and WECOM_ARCHIVE_SECRET")
        self._lib = library
        self._lock = threading.Lock()
        handle = library.NewSdk()
        if not handle:
            raise SdkError("NewSdk", 10003, "no handle")
        code = library.Init(handle, corp_id.encode(), secret.encode())
        if code != 0:
            library.DestroySdk(handle)
            raise SdkError("Init", code)
        self._handle: int | None = handle

    def __enter__(self) -> FinanceSdk:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._lib.DestroySdk(self._handle)
                self._handle = None

    def get_chat_data(
        self, seq: int, limit: int, *, proxy: str = "", password: str = "", timeout: int = 5
    ) -> bytes:
        """The raw JSON answer: archived items with a `seq` greater than `seq`, at most `limit`."""
        if not 0 <= seq < 1 << 64:
            raise BadInput(f"seq {seq} is out of range")
        if not 1 <= limit <= MAX_LIMIT:
            raise BadInput(f"limit must be 1..{MAX_LIMIT}, not {limit}")
        with self._lock:
            handle = self._live()
            proxy_c, password_c = proxy.encode(), password.encode()
            out = self._new_slice()
            try:
                code = self._lib.GetChatData(handle, seq, limit, proxy_c, password_c, timeout, out)
                return self._slice_content("GetChatData", code, out)
            finally:
                self._lib.FreeSlice(out)

    def decrypt_data(self, encrypt_key: str, encrypt_msg: str) -> bytes:
        """The plaintext JSON of one archived item, from the RSA-decrypted key and `encrypt_chat_msg`."""
        key, message = encrypt_key.encode(), encrypt_msg.encode()
        if not _PRINTABLE.fullmatch(key):
            raise BadInput("the decrypted encrypt_random_key is empty or not printable")
        if len(message) < MIN_MESSAGE_CHARS or not _BASE64.fullmatch(message):
            raise BadInput("encrypt_chat_msg is too short or not base64")
        # Once per archived message: the slice's calls inline, without a closure per call.
        out = self._new_slice()
        try:
            return self._slice_content("DecryptData", self._lib.DecryptData(key, message, out), out)
        finally:
            self._lib.FreeSlice(out)

    def media_chunks(
        self,
        sdkfileid: str,
        *,
        proxy: str = "",
        password: str = "",
        timeout: int = 10,
        max_bytes: int = MAX_MEDIA_BYTES,
    ) -> Iterator[bytes]:
        """A media file's bytes, chunk by chunk (up to 512 KB each): `GetMediaData` called again with the
        previous chunk's `outindexbuf` until `is_finish` (doc path/91774, 获取媒体文件)."""
        if not sdkfileid or "\x00" in sdkfileid:
            raise BadInput("sdkfileid is empty")
        index = b""
        total = 0
        while True:
            with self._lock:
                handle = self._live()
                media = self._lib.NewMediaData()
                if not media:
                    raise SdkError("NewMediaData", 10003, "no buffer")
                try:
                    code = self._lib.GetMediaData(
                        handle, index, sdkfileid.encode(), proxy.encode(), password.encode(), timeout, media
                    )
                    if code != 0:
                        raise SdkError("GetMediaData", code)
                    chunk = _read(self._lib.GetData(media), self._lib.GetDataLen(media))
                    index = _read(self._lib.GetOutIndexBuf(media), self._lib.GetIndexLen(media))
                    finished = bool(self._lib.IsMediaDataFinish(media))
                finally:
                    self._lib.FreeMediaData(media)
            total += len(chunk)
            if total > max_bytes:
                raise BadInput(f"media file over {max_bytes} bytes")
            yield chunk
            if finished:
                return
            if not index:
                raise SdkError("GetMediaData", 10002, "no outindexbuf before the end")

    def _live(self) -> int:
        if self._handle is None:
            raise ArchiveConfigError("the SDK handle was closed")
        return self._handle

    def _new_slice(self) -> int:
        """A slice for one call's answer; the caller frees it in a `finally`, whatever the call returned."""
        out: int | None = self._lib.NewSlice()
        if not out:
            raise SdkError("NewSlice", 10003, "no buffer")
        return out

    def _slice_content(self, name: str, code: int, out: int) -> bytes:
        """What the call `name` put in the slice `out`, read by its length; its error if it failed."""
        if code != 0:
            raise SdkError(name, int(code))
        return _read(self._lib.GetContentFromSlice(out), self._lib.GetSliceLen(out))


def _read(pointer: int | None, length: int) -> bytes:
    """`length` bytes at `pointer`, NULs included; nothing for a null pointer or a length of 0."""
    if not pointer or length <= 0:
        return b""
    return ctypes.string_at(pointer, length)
