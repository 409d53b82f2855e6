"""WeCom's message archive (会话内容存档): every message of the members in scope, pulled through the
company's Finance SDK (developer.work.weixin.qq.com/document/path/91774).

    sdk.py       the ctypes binding over the SDK's C ABI (loaded lazily, never on the ingress path)
    errors.py    the SDK's codes 10000-10011 and WeCom's 301042/301052, as one small hierarchy
    keys.py      the company's RSA private keys by `publickey_ver`; PKCS#1 v1.5 of `encrypt_random_key`
    messages.py  a decrypted archive message -> the normalised events every platform produces
    media.py     files seen in groups, fetched with GetMediaData in chunks for the file archive
    groups.py    group facts (`msgaudit/groupchat/get`, `externalcontact/groupchat/get`)
    puller.py    one pull for the corp: lease, pages from the `seq` checkpoint, decrypt, map, hand on
    keygen.py    `python -m chalicelib.adapters.wecom.archive.keygen`: a key pair, the public key printed

The worker's side is `chalicelib.worker.archive` (the pulls) and `chalicelib.worker.batch` (a page
moderated as a batch).

Nothing here is imported by ingress: the `msgaudit_notify` callback only becomes an `ArchiveNotified`
event, and the worker runs the pull.
"""
