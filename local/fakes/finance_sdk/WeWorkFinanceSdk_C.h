/*
 * The C ABI of WeCom's Finance SDK (libWeWorkFinanceSdk_C.so), as documented in 获取会话内容
 * (developer.work.weixin.qq.com/document/path/91774) and its C usage example (path/91551): the types and
 * signatures qunguan's ctypes binding (chalicelib/adapters/wecom/archive/sdk.py) calls, declared here so
 * that the local fake (fake_finance_sdk.c) is compiled against exactly them.
 *
 * Return codes: 0 ok; 10000 bad parameters; 10001 network; 10002 data parse failed; 10003 system;
 * 10004 key-pair decrypt failed; 10005 bad fileid; 10006 decrypt failed; 10007 no private key for this
 * publickey_ver; 10008 bad encrypt_key; 10009 IP not allowed; 10010 data expired; 10011 certificate error.
 */
#pragma once

typedef struct WeWorkFinanceSdk_t WeWorkFinanceSdk_t;

typedef struct Slice_t {
    char* buf;
    int len;
} Slice_t;

typedef struct MediaData {
    char* outindexbuf;
    int out_len;
    char* data;
    int data_len;
    int is_finish;
} MediaData_t;

#ifdef __cplusplus
extern "C" {
#endif

WeWorkFinanceSdk_t* NewSdk();
int Init(WeWorkFinanceSdk_t* sdk, const char* corpid, const char* secret);
int GetChatData(WeWorkFinanceSdk_t* sdk, unsigned long long seq, unsigned int limit, const char* proxy,
                const char* passwd, int timeout, Slice_t* chatDatas);
int GetMediaData(WeWorkFinanceSdk_t* sdk, const char* indexbuf, const char* sdkFileid, const char* proxy,
                 const char* passwd, int timeout, MediaData_t* media_data);
int DecryptData(const char* encrypt_key, const char* encrypt_msg, Slice_t* msg);
void DestroySdk(WeWorkFinanceSdk_t* sdk);

Slice_t* NewSlice();
void FreeSlice(Slice_t* slice);
char* GetContentFromSlice(Slice_t* slice);
int GetSliceLen(Slice_t* slice);

MediaData_t* NewMediaData();
void FreeMediaData(MediaData_t* media_data);
char* GetOutIndexBuf(MediaData_t* media_data);
char* GetData(MediaData_t* media_data);
int GetIndexLen(MediaData_t* media_data);
int GetDataLen(MediaData_t* media_data);
int IsMediaDataFinish(MediaData_t* media_data);

#ifdef __cplusplus
}
#endif
