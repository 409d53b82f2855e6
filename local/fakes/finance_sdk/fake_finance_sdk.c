/*
 * A local fake of WeCom's Finance SDK with the vendor's C ABI (WeWorkFinanceSdk_C.h), for tests and
 * `make run`. It is built from this source by local/fakes/finance_sdk/build.py into a scratch directory;
 * no binary is ever committed, and the real SDK is never shipped.
 *
 * What it serves comes from a directory the Python side writes (local/fakes/wecom_archive.py), named by
 * the environment variable QG_FAKE_FINANCE_DIR and read at each call:
 *
 *   chatdata.tsv      one archived item a line: "<seq>\t<JSON item>\n", in seq order. GetChatData answers
 *                     {"errcode":0,"errmsg":"ok","chatdata":[items with seq > the one asked, at most limit]}
 *   errcode           if present, its JSON is GetChatData's answer instead (WeCom's server-side errors,
 *                     e.g. {"errcode":301042,...} for an IP not on the trusted list)
 *   sdk_error         if present, the integer in it is returned by GetChatData (e.g. 10001, network)
 *   media/<hex id>    the bytes of a media file, by the hex of its sdkfileid; GetMediaData serves them in
 *                     chunks of 512 KB, the outindexbuf being the offset of the next chunk
 *
 * DecryptData: the real scheme is proprietary, so the fake uses a labelled one of its own, "qgfake1":
 * encrypt_chat_msg = base64("qgfake1:" + (plaintext XOR the encrypt_key, repeated)). A wrong key gives
 * bytes that do not start with '{' and the call answers 10006. Like the real library (reported from
 * running it), an empty key or a very short message aborts the whole process: the binding must check its
 * inputs first.
 */
#include "WeWorkFinanceSdk_C.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OK 0
#define ERR_PARAM 10000
#define ERR_PARSE 10002
#define ERR_SYSTEM 10003
#define ERR_FILEID 10005
#define ERR_DECRYPT 10006
#define MAX_LIMIT 1000u
#define MEDIA_CHUNK (512 * 1024)
#define MIN_MESSAGE 16

static const char LABEL[] = "qgfake1:";

struct WeWorkFinanceSdk_t {
    char corpid[128];
    int ready;
};

WeWorkFinanceSdk_t* NewSdk() { return (WeWorkFinanceSdk_t*)calloc(1, sizeof(WeWorkFinanceSdk_t)); }

int Init(WeWorkFinanceSdk_t* sdk, const char* corpid, const char* secret) {
    if (sdk == NULL || corpid == NULL || secret == NULL || !*corpid || !*secret) return ERR_PARAM;
    snprintf(sdk->corpid, sizeof(sdk->corpid), "%s", corpid);
    sdk->ready = 1;
    return OK;
}

void DestroySdk(WeWorkFinanceSdk_t* sdk) { free(sdk); }

Slice_t* NewSlice() { return (Slice_t*)calloc(1, sizeof(Slice_t)); }

void FreeSlice(Slice_t* slice) {
    if (slice == NULL) return;
    free(slice->buf);
    free(slice);
}

char* GetContentFromSlice(Slice_t* slice) { return slice ? slice->buf : NULL; }

int GetSliceLen(Slice_t* slice) { return slice ? slice->len : 0; }

MediaData_t* NewMediaData() { return (MediaData_t*)calloc(1, sizeof(MediaData_t)); }

void FreeMediaData(MediaData_t* media) {
    if (media == NULL) return;
    free(media->outindexbuf);
    free(media->data);
    free(media);
}

char* GetOutIndexBuf(MediaData_t* media) { return media->outindexbuf; }
char* GetData(MediaData_t* media) { return media->data; }
int GetIndexLen(MediaData_t* media) { return media->out_len; }
int GetDataLen(MediaData_t* media) { return media->data_len; }
int IsMediaDataFinish(MediaData_t* media) { return media->is_finish; }

/* A growing byte buffer. */
typedef struct {
    char* data;
    size_t len, cap;
} Buffer;

static int append(Buffer* b, const char* bytes, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap) cap *= 2;
        char* grown = (char*)realloc(b->data, cap);
        if (grown == NULL) return 0;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

static void give(Slice_t* slice, Buffer* b) {
    free(slice->buf);
    slice->buf = b->data;
    slice->len = (int)b->len;
}

static char* path_in(const char* dir, const char* name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char* path = (char*)malloc(n);
    if (path != NULL) snprintf(path, n, "%s/%s", dir, name);
    return path;
}

static int read_file(const char* path, Buffer* out) {
    FILE* f = fopen(path, "rb");
    if (f == NULL) return 0;
    char chunk[65536];
    size_t n;
    int ok = 1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) ok = ok && append(out, chunk, n);
    fclose(f);
    return ok;
}

int GetChatData(WeWorkFinanceSdk_t* sdk, unsigned long long seq, unsigned int limit, const char* proxy,
                const char* passwd, int timeout, Slice_t* out) {
    (void)proxy;
    (void)passwd;
    (void)timeout;
    if (sdk == NULL || !sdk->ready || out == NULL || limit == 0 || limit > MAX_LIMIT) return ERR_PARAM;
    const char* dir = getenv("QG_FAKE_FINANCE_DIR");
    if (dir == NULL || !*dir) return ERR_SYSTEM;

    Buffer b = {0};
    char* path = path_in(dir, "sdk_error");
    FILE* f = path ? fopen(path, "r") : NULL;
    free(path);
    if (f != NULL) {
        int code = ERR_SYSTEM;
        if (fscanf(f, "%d", &code) != 1) code = ERR_SYSTEM;
        fclose(f);
        return code;
    }
    path = path_in(dir, "errcode");
    if (path != NULL && read_file(path, &b)) {
        free(path);
        give(out, &b);
        return OK;
    }
    free(path);
    free(b.data);
    b = (Buffer){0};

    Buffer all = {0};
    path = path_in(dir, "chatdata.tsv");
    int found = path != NULL && read_file(path, &all);
    free(path);
    static const char HEAD[] = "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[";
    if (!append(&b, HEAD, sizeof(HEAD) - 1)) return ERR_SYSTEM;
    unsigned int served = 0;
    for (char* line = found ? all.data : NULL; line && *line && served < limit;) {
        char* end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char* tab = memchr(line, '\t', n);
        if (tab == NULL) {
            free(all.data);
            free(b.data);
            return ERR_PARSE;
        }
        unsigned long long item_seq = strtoull(line, NULL, 10);
        if (item_seq > seq) {
            if (served > 0) append(&b, ",", 1);
            append(&b, tab + 1, n - (size_t)(tab + 1 - line));
            served++;
        }
        line = end ? end + 1 : NULL;
    }
    free(all.data);
    if (!append(&b, "]}", 2)) return ERR_SYSTEM;
    give(out, &b);
    return OK;
}

static int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Standard base64 with padding; 0 on any other character. */
static int b64_decode(const char* text, Buffer* out) {
    unsigned int acc = 0;
    int bits = 0;
    for (const char* p = text; *p && *p != '='; p++) {
        int v = b64_value(*p);
        if (v < 0) return 0;
        acc = (acc << 6) | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char byte = (char)((acc >> bits) & 0xFF);
            if (!append(out, &byte, 1)) return 0;
        }
    }
    return 1;
}

int DecryptData(const char* encrypt_key, const char* encrypt_msg, Slice_t* msg) {
    /* The real library throws an uncaught C++ exception here, which aborts the process. */
    if (encrypt_key == NULL || !*encrypt_key || encrypt_msg == NULL || strlen(encrypt_msg) < MIN_MESSAGE)
        abort();
    if (msg == NULL) return ERR_PARAM;
    Buffer raw = {0};
    size_t label = sizeof(LABEL) - 1;
    if (!b64_decode(encrypt_msg, &raw) || raw.len <= label || memcmp(raw.data, LABEL, label) != 0) {
        free(raw.data);
        return ERR_DECRYPT;
    }
    size_t key_len = strlen(encrypt_key);
    Buffer plain = {0};
    for (size_t i = label; i < raw.len; i++) {
        char byte = (char)(raw.data[i] ^ encrypt_key[(i - label) % key_len]);
        append(&plain, &byte, 1);
    }
    free(raw.data);
    if (plain.len == 0 || plain.data[0] != '{') {
        free(plain.data);
        return ERR_DECRYPT;
    }
    give(msg, &plain);
    return OK;
}

int GetMediaData(WeWorkFinanceSdk_t* sdk, const char* indexbuf, const char* sdkFileid, const char* proxy,
                 const char* passwd, int timeout, MediaData_t* media) {
    (void)proxy;
    (void)passwd;
    (void)timeout;
    if (sdk == NULL || !sdk->ready || media == NULL || sdkFileid == NULL || !*sdkFileid) return ERR_PARAM;
    const char* dir = getenv("QG_FAKE_FINANCE_DIR");
    if (dir == NULL || !*dir) return ERR_SYSTEM;
    size_t id_len = strlen(sdkFileid);
    char* name = (char*)malloc(id_len * 2 + 7);
    if (name == NULL) return ERR_SYSTEM;
    strcpy(name, "media/");
    for (size_t i = 0; i < id_len; i++) sprintf(name + 6 + i * 2, "%02x", (unsigned char)sdkFileid[i]);
    char* path = path_in(dir, name);
    free(name);
    Buffer file = {0};
    int found = path != NULL && read_file(path, &file);
    free(path);
    if (!found) return ERR_FILEID;
    long long offset = (indexbuf && *indexbuf) ? atoll(indexbuf) : 0;
    if (offset < 0 || (size_t)offset > file.len) {
        free(file.data);
        return ERR_PARAM;
    }
    size_t n = file.len - (size_t)offset;
    if (n > MEDIA_CHUNK) n = MEDIA_CHUNK;
    free(media->data);
    free(media->outindexbuf);
    media->data = (char*)malloc(n ? n : 1);
    media->outindexbuf = (char*)malloc(32);
    if (media->data == NULL || media->outindexbuf == NULL) {
        free(file.data);
        return ERR_SYSTEM;
    }
    memcpy(media->data, file.data + offset, n);
    media->data_len = (int)n;
    media->out_len = snprintf(media->outindexbuf, 32, "%lld", offset + (long long)n);
    media->is_finish = (size_t)offset + n >= file.len;
    free(file.data);
    return OK;
}
