/* Every export of libsello.so called with NULL, zero, huge and invalid arguments
 * (tests/pkcs11_boundary.rs). usage: boundary MODULE
 *
 * Each export is looked up by name and called through one generic pointer type with nine
 * integer-class arguments (x86-64 System V: extra arguments are ignored by the callee). Pointers
 * are NULL or point to real buffers; only lengths and counts lie. The program must neither crash
 * nor abort, and the answers must follow PKCS#11 3.0 §5.1: CKR_CRYPTOKI_NOT_INITIALIZED first,
 * then an invalid session or slot, then bad arguments. Prints "FAIL ..." for each wrong answer
 * and exits 1 if there was one. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long CK_ULONG;
typedef CK_ULONG CK_RV;
typedef CK_RV (*ANY)(CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG,
                     CK_ULONG);
typedef struct {
    CK_ULONG type;
    void *value;
    CK_ULONG len;
} ATTR;

#define CKR_OK 0x0UL
#define CKR_SLOT_ID_INVALID 0x3UL
#define CKR_ARGUMENTS_BAD 0x7UL
#define CKR_FUNCTION_NOT_PARALLEL 0x51UL
#define CKR_FUNCTION_NOT_SUPPORTED 0x54UL
#define CKR_SESSION_HANDLE_INVALID 0xB3UL
#define CKR_CRYPTOKI_NOT_INITIALIZED 0x190UL

/* Argument kinds: S session, L slot, H object handle, P pointer, N length or count, F flags. */
static const struct {
    const char *name;
    const char *kinds;
} EXPORTS[] = {
    {"C_GetInfo", "P"},
    {"C_GetSlotList", "FPP"},
    {"C_GetSlotInfo", "LP"},
    {"C_GetTokenInfo", "LP"},
    {"C_GetMechanismList", "LPP"},
    {"C_GetMechanismInfo", "LFP"},
    {"C_InitToken", "LPNP"},
    {"C_InitPIN", "SPN"},
    {"C_SetPIN", "SPNPN"},
    {"C_OpenSession", "LFPPP"},
    {"C_GetSessionInfo", "SP"},
    {"C_GetOperationState", "SPP"},
    {"C_SetOperationState", "SPNHH"},
    {"C_Login", "SFPN"},
    {"C_LoginUser", "SFPNPN"},
    {"C_CreateObject", "SPNP"},
    {"C_CopyObject", "SHPNP"},
    {"C_DestroyObject", "SH"},
    {"C_GetObjectSize", "SHP"},
    {"C_GetAttributeValue", "SHPN"},
    {"C_SetAttributeValue", "SHPN"},
    {"C_FindObjectsInit", "SPN"},
    {"C_FindObjects", "SPNP"},
    {"C_FindObjectsFinal", "S"},
    {"C_EncryptInit", "SPH"},
    {"C_Encrypt", "SPNPP"},
    {"C_EncryptUpdate", "SPNPP"},
    {"C_EncryptFinal", "SPP"},
    {"C_DecryptInit", "SPH"},
    {"C_Decrypt", "SPNPP"},
    {"C_DecryptUpdate", "SPNPP"},
    {"C_DecryptFinal", "SPP"},
    {"C_DigestInit", "SP"},
    {"C_Digest", "SPNPP"},
    {"C_DigestUpdate", "SPN"},
    {"C_DigestKey", "SH"},
    {"C_DigestFinal", "SPP"},
    {"C_SignInit", "SPH"},
    {"C_Sign", "SPNPP"},
    {"C_SignUpdate", "SPN"},
    {"C_SignFinal", "SPP"},
    {"C_SignRecoverInit", "SPH"},
    {"C_SignRecover", "SPNPP"},
    {"C_VerifyInit", "SPH"},
    {"C_Verify", "SPNPN"},
    {"C_VerifyUpdate", "SPN"},
    {"C_VerifyFinal", "SPN"},
    {"C_VerifyRecoverInit", "SPH"},
    {"C_VerifyRecover", "SPNPP"},
    {"C_DigestEncryptUpdate", "SPNPP"},
    {"C_DecryptDigestUpdate", "SPNPP"},
    {"C_SignEncryptUpdate", "SPNPP"},
    {"C_DecryptVerifyUpdate", "SPNPP"},
    {"C_GenerateKey", "SPPNP"},
    {"C_GenerateKeyPair", "SPPNPNPP"},
    {"C_WrapKey", "SPHHPP"},
    {"C_UnwrapKey", "SPHPNPNP"},
    {"C_DeriveKey", "SPHPNP"},
    {"C_SeedRandom", "SPN"},
    {"C_GenerateRandom", "SPN"},
    {"C_GetFunctionStatus", "S"},
    {"C_CancelFunction", "S"},
    {"C_WaitForSlotEvent", "FPP"},
    {"C_GetFunctionList", "P"},
    {"C_GetInterfaceList", "PP"},
    {"C_GetInterface", "PPPF"},
    {"C_SessionCancel", "SF"},
    {"C_MessageEncryptInit", "SPH"},
    {"C_EncryptMessage", "SPNPNPNPP"},
    {"C_EncryptMessageBegin", "SPNPN"},
    {"C_EncryptMessageNext", "SPNPNPPF"},
    {"C_MessageEncryptFinal", "S"},
    {"C_MessageDecryptInit", "SPH"},
    {"C_DecryptMessage", "SPNPNPNPP"},
    {"C_DecryptMessageBegin", "SPNPN"},
    {"C_DecryptMessageNext", "SPNPNPPF"},
    {"C_MessageDecryptFinal", "S"},
    {"C_MessageSignInit", "SPH"},
    {"C_SignMessage", "SPNPNPP"},
    {"C_SignMessageBegin", "SPN"},
    {"C_SignMessageNext", "SPNPNPP"},
    {"C_MessageSignFinal", "S"},
    {"C_MessageVerifyInit", "SPH"},
    {"C_VerifyMessage", "SPNPNPN"},
    {"C_VerifyMessageBegin", "SPN"},
    {"C_VerifyMessageNext", "SPNPNPN"},
    {"C_MessageVerifyFinal", "S"},
    /* Last: they end the valid session of the third round. */
    {"C_Logout", "S"},
    {"C_CloseSession", "S"},
    {"C_CloseAllSessions", "L"},
};
#define NEXPORTS (sizeof EXPORTS / sizeof EXPORTS[0])

static const CK_ULONG HUGE[] = {1UL << 40, (1UL << 63) - 1, ~0UL};
static void *lib;
static int failures;

static ANY fn(const char *name) {
    ANY f = (ANY)dlsym(lib, name);
    if (!f) {
        printf("FAIL %s is not exported\n", name);
        failures++;
    }
    return f;
}

static CK_RV call(const char *name, const CK_ULONG a[9]) {
    ANY f = fn(name);
    return f ? f(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]) : CKR_OK;
}

/* Arguments by kind: session, slot and handle as given, pointers NULL, lengths `n`. */
static void args(const char *kinds, CK_ULONG session, CK_ULONG slot, CK_ULONG n, CK_ULONG a[9]) {
    memset(a, 0, 9 * sizeof a[0]);
    for (int i = 0; kinds[i] && i < 9; i++) {
        switch (kinds[i]) {
        case 'S': a[i] = session; break;
        case 'L': a[i] = slot; break;
        case 'H': a[i] = 0xdead; break;
        case 'N': a[i] = n; break;
        default: a[i] = 0;
        }
    }
}

static int one_of(CK_RV rv, const CK_RV *ok, int n) {
    for (int i = 0; i < n; i++)
        if (rv == ok[i])
            return 1;
    return 0;
}

static void expect(const char *what, const char *name, CK_RV rv, const CK_RV *ok, int n) {
    if (!one_of(rv, ok, n)) {
        printf("FAIL %s: %s answered %#lx\n", what, name, rv);
        failures++;
    }
}

static int without_state(const char *name) {
    return !strcmp(name, "C_GetFunctionList") || !strcmp(name, "C_GetInterfaceList") ||
           !strcmp(name, "C_GetInterface") || !strcmp(name, "C_WaitForSlotEvent") ||
           !strcmp(name, "C_GetInfo") || !strcmp(name, "C_GetSlotList");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: boundary MODULE\n");
        return 10;
    }
    lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 10;
    }
    CK_ULONG a[9];

    /* 1. Before C_Initialize: NULL everywhere, then huge lengths. */
    for (size_t i = 0; i < NEXPORTS; i++) {
        const char *name = EXPORTS[i].name;
        for (int h = -1; h < 3; h++) {
            args(EXPORTS[i].kinds, 0, 0, h < 0 ? 0 : HUGE[h], a);
            CK_RV rv = call(name, a);
            if (!strcmp(name, "C_GetFunctionList") || !strcmp(name, "C_GetInterfaceList") ||
                !strcmp(name, "C_GetInterface")) {
                const CK_RV ok[] = {CKR_ARGUMENTS_BAD};
                expect("before C_Initialize", name, rv, ok, 1);
            } else {
                const CK_RV ok[] = {CKR_CRYPTOKI_NOT_INITIALIZED, CKR_FUNCTION_NOT_SUPPORTED,
                                    CKR_FUNCTION_NOT_PARALLEL};
                /* The random functions are implemented: they must say so in order. */
                int n = strstr(name, "Random") ? 1 : 3;
                expect("before C_Initialize", name, rv, ok, n);
            }
        }
    }

    ANY init = fn("C_Initialize");
    if (!init || init(0, 0, 0, 0, 0, 0, 0, 0, 0) != CKR_OK) {
        printf("FAIL C_Initialize\n");
        return 1;
    }

    /* 2. Session 0 and an invalid slot, NULL pointers: the handle is judged first. */
    for (size_t i = 0; i < NEXPORTS; i++) {
        const char *name = EXPORTS[i].name;
        const char *kinds = EXPORTS[i].kinds;
        for (int h = -1; h < 3; h++) {
            args(kinds, 0, 0xffff, h < 0 ? 0 : HUGE[h], a);
            CK_RV rv = call(name, a);
            if (without_state(name)) {
                const CK_RV ok[] = {CKR_ARGUMENTS_BAD};
                expect("NULL arguments", name, rv, ok, 1);
            } else if (kinds[0] == 'S') {
                const CK_RV ok[] = {CKR_SESSION_HANDLE_INVALID, CKR_FUNCTION_NOT_SUPPORTED,
                                    CKR_FUNCTION_NOT_PARALLEL};
                expect("session 0", name, rv, ok, 3);
            } else if (kinds[0] == 'L') {
                const CK_RV ok[] = {CKR_SLOT_ID_INVALID, CKR_FUNCTION_NOT_SUPPORTED};
                expect("invalid slot", name, rv, ok, 2);
            }
        }
    }

    /* 3. A real session: NULL pointers with huge lengths, nothing may crash. */
    CK_ULONG slots[8], nslots = 8, session = 0;
    ANY get_slots = fn("C_GetSlotList"), open = fn("C_OpenSession");
    if (get_slots(1, (CK_ULONG)slots, (CK_ULONG)&nslots, 0, 0, 0, 0, 0, 0) != CKR_OK || nslots < 1 ||
        open(slots[0], 4 | 2, 0, 0, (CK_ULONG)&session, 0, 0, 0, 0) != CKR_OK) {
        printf("FAIL no token or session\n");
        return 1;
    }
    for (size_t i = 0; i < NEXPORTS - 3; i++) {
        const char *name = EXPORTS[i].name;
        if (!strcmp(name, "C_WaitForSlotEvent"))
            continue;
        for (int h = -1; h < 3; h++) {
            args(EXPORTS[i].kinds, session, slots[0], h < 0 ? 0 : HUGE[h], a);
            (void)call(name, a);
        }
    }

    /* 4. Real buffers with lengths and counts the caller could not have given. */
    static unsigned char buf[1 << 16];
    ANY find_init = fn("C_FindObjectsInit"), find = fn("C_FindObjects"),
        find_final = fn("C_FindObjectsFinal"), get_attr = fn("C_GetAttributeValue"),
        derive = fn("C_DeriveKey"), random = fn("C_GenerateRandom"), seed = fn("C_SeedRandom");
    for (int h = 0; h < 3; h++) {
        ATTR t[1] = {{0x3 /* CKA_LABEL */, buf, HUGE[h]}};
        CK_RV rv = find_init(session, (CK_ULONG)t, 1, 0, 0, 0, 0, 0, 0);
        if (rv == CKR_OK)
            find_final(session, 0, 0, 0, 0, 0, 0, 0, 0);
        rv = find_init(session, (CK_ULONG)t, HUGE[h], 0, 0, 0, 0, 0, 0);
        if (rv == CKR_OK) {
            printf("FAIL C_FindObjectsInit took %#lx attributes\n", HUGE[h]);
            failures++;
            find_final(session, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        CK_ULONG mech[3] = {0x1050 /* CKM_ECDH1_DERIVE */, 0, 0}, key = 0;
        (void)derive(session, (CK_ULONG)mech, 1, (CK_ULONG)t, 1, (CK_ULONG)&key, 0, 0, 0);
        (void)derive(session, (CK_ULONG)mech, 1, (CK_ULONG)t, HUGE[h], (CK_ULONG)&key, 0, 0, 0);
    }

    /* Every object, read one at a time, then the rest with ULONG_MAX. */
    CK_ULONG handles[256], total = 0, got = 0;
    if (find_init(session, 0, 0, 0, 0, 0, 0, 0, 0) != CKR_OK ||
        find(session, (CK_ULONG)handles, 256, (CK_ULONG)&total, 0, 0, 0, 0, 0) != CKR_OK ||
        find_final(session, 0, 0, 0, 0, 0, 0, 0, 0) != CKR_OK || total < 3) {
        printf("FAIL listing objects (%lu)\n", total);
        failures++;
    }
    CK_ULONG first = 0;
    if (find_init(session, 0, 0, 0, 0, 0, 0, 0, 0) != CKR_OK ||
        find(session, (CK_ULONG)&first, 1, (CK_ULONG)&got, 0, 0, 0, 0, 0) != CKR_OK || got != 1 ||
        find(session, (CK_ULONG)handles, ~0UL, (CK_ULONG)&got, 0, 0, 0, 0, 0) != CKR_OK ||
        got != total - 1 || handles[0] == first) {
        printf("FAIL C_FindObjects(ULONG_MAX) after one: %lu of %lu\n", got, total - 1);
        failures++;
    }
    if (find(session, (CK_ULONG)handles, ~0UL, (CK_ULONG)&got, 0, 0, 0, 0, 0) != CKR_OK || got != 0) {
        printf("FAIL C_FindObjects after the end: %lu\n", got);
        failures++;
    }
    find_final(session, 0, 0, 0, 0, 0, 0, 0, 0);

    for (int h = 0; h < 3; h++) {
        ATTR t[2] = {{0x11 /* CKA_VALUE */, buf, HUGE[h]}, {0x3, 0, HUGE[h]}};
        (void)get_attr(session, first, (CK_ULONG)t, 2, 0, 0, 0, 0, 0);
        CK_RV rv = get_attr(session, first, (CK_ULONG)t, HUGE[h], 0, 0, 0, 0, 0);
        if (rv == CKR_OK) {
            printf("FAIL C_GetAttributeValue took %#lx attributes\n", HUGE[h]);
            failures++;
        }
        (void)random(session, 0, HUGE[h], 0, 0, 0, 0, 0, 0);
        (void)seed(session, 0, HUGE[h], 0, 0, 0, 0, 0, 0);
    }

    for (size_t i = NEXPORTS - 3; i < NEXPORTS; i++) {
        args(EXPORTS[i].kinds, session, slots[0], 0, a);
        (void)call(EXPORTS[i].name, a);
    }
    ANY fin = fn("C_Finalize");
    if (fin(0, 0, 0, 0, 0, 0, 0, 0, 0) != CKR_OK) {
        printf("FAIL C_Finalize\n");
        failures++;
    }
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
