"""`python -m chalicelib.adapters.wecom.archive.keygen VERSION [--out FILE]`: a new RSA-2048 key pair
for the message archive.

The public key is printed, to paste into the admin console (管理后台 → 管理工具 → 会话内容存档 → 消息加密
公钥); the console then shows its version, which should be VERSION. The private key is written to FILE
(default `archive-key-VERSION.pem`, mode 0600) and the line to merge into `WECOM_ARCHIVE_PRIVATE_KEYS` is
printed, without the key itself. Keep the older keys configured: items already archived keep their
version.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def generate(version: int, out: Path) -> str:
    """Write the private key to `out` (0600, PKCS#1 PEM) and return the public key (SubjectPublicKeyInfo)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(private)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("version", type=int, help="the publickey_ver the console will give this key")
    parser.add_argument("--out", type=Path, help="where to write the private key (default archive-key-V.pem)")
    args = parser.parse_args(argv)
    out: Path = args.out or Path(f"archive-key-{args.version}.pem")
    if out.exists():
        print(f"{out} exists already: choose another --out", file=sys.stderr)
        return 2
    public = generate(args.version, out)
    print("Public key to upload (会话内容存档 → 消息加密公钥):\n")
    print(public)
    print(f"Private key written to {out} (mode 0600). Add it to WECOM_ARCHIVE_PRIVATE_KEYS as:")
    print(json.dumps({str(args.version): f"<contents of {out}>"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
