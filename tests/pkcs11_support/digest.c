/* C_Digest* of libsello.so and their operation-state rules (tests/pkcs11_boundary.rs).
 * usage: digest MODULE FILE
 * Prints "NAME HEX" for the digest of FILE's contents with each mechanism, one part and many;
 * the test compares them with openssl. Prints "FAIL ..." for a broken rule, exits 1 then. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long CK_ULONG;
typedef CK_ULONG CK_RV;
typedef struct {
    CK_ULONG mechanism;
    void *param;
    CK_ULONG len;
} MECH;
typedef struct {
    CK_ULONG min, max, flags;
} MECH_INFO;

#define CKR_OK 0x0UL
#define CKR_KEY_HANDLE_INVALID 0x60UL
#define CKR_KEY_INDIGESTIBLE 0x67UL
#define CKR_MECHANISM_INVALID 0x70UL
#define CKR_OPERATION_ACTIVE 0x90UL
#define CKR_OPERATION_NOT_INITIALIZED 0x91UL
#define CKR_BUFFER_TOO_SMALL 0x150UL
#define CKF_DIGEST 0x400UL

static const struct {
    const char *name;
    CK_ULONG mech;
    CK_ULONG len;
} DIGESTS[] = {
    {"sha1", 0x220, 20},     {"sha224", 0x255, 28},   {"sha256", 0x250, 32},
    {"sha384", 0x260, 48},   {"sha512", 0x270, 64},   {"sha3-256", 0x2b0, 32},
    {"sha3-384", 0x2c0, 48}, {"sha3-512", 0x2d0, 64},
};

static CK_RV (*Initialize)(void *), (*Finalize)(void *);
static CK_RV (*GetSlotList)(unsigned char, CK_ULONG *, CK_ULONG *);
static CK_RV (*GetMechanismList)(CK_ULONG, CK_ULONG *, CK_ULONG *);
static CK_RV (*GetMechanismInfo)(CK_ULONG, CK_ULONG, MECH_INFO *);
static CK_RV (*OpenSession)(CK_ULONG, CK_ULONG, void *, void *, CK_ULONG *);
static CK_RV (*FindObjectsInit)(CK_ULONG, void *, CK_ULONG);
static CK_RV (*FindObjects)(CK_ULONG, CK_ULONG *, CK_ULONG, CK_ULONG *);
static CK_RV (*FindObjectsFinal)(CK_ULONG);
static CK_RV (*DigestInit)(CK_ULONG, MECH *);
static CK_RV (*Digest)(CK_ULONG, const unsigned char *, CK_ULONG, unsigned char *, CK_ULONG *);
static CK_RV (*DigestUpdate)(CK_ULONG, const unsigned char *, CK_ULONG);
static CK_RV (*DigestKey)(CK_ULONG, CK_ULONG);
static CK_RV (*DigestFinal)(CK_ULONG, unsigned char *, CK_ULONG *);

static void *lib;
static int failures;

static void *sym(const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "missing %s\n", name);
        exit(10);
    }
    return p;
}

static void check(int ok, const char *what, CK_RV rv) {
    if (!ok) {
        printf("FAIL %s (rv %#lx)\n", what, rv);
        failures++;
    }
}

static void print_hex(const char *name, const char *suffix, const unsigned char *d, CK_ULONG n) {
    printf("%s%s ", name, suffix);
    for (CK_ULONG i = 0; i < n; i++)
        printf("%02x", d[i]);
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: digest MODULE FILE\n");
        return 10;
    }
    lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 10;
    }
    FILE *f = fopen(argv[2], "rb");
    static unsigned char data[1 << 20];
    size_t n = f ? fread(data, 1, sizeof data, f) : 0;
    if (!f || n < 2) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 10;
    }
    fclose(f);
    Initialize = sym("C_Initialize");
    Finalize = sym("C_Finalize");
    GetSlotList = sym("C_GetSlotList");
    GetMechanismList = sym("C_GetMechanismList");
    GetMechanismInfo = sym("C_GetMechanismInfo");
    OpenSession = sym("C_OpenSession");
    FindObjectsInit = sym("C_FindObjectsInit");
    FindObjects = sym("C_FindObjects");
    FindObjectsFinal = sym("C_FindObjectsFinal");
    DigestInit = sym("C_DigestInit");
    Digest = sym("C_Digest");
    DigestUpdate = sym("C_DigestUpdate");
    DigestKey = sym("C_DigestKey");
    DigestFinal = sym("C_DigestFinal");

    CK_ULONG slots[4], nslots = 4, s = 0;
    if (Initialize(NULL) != CKR_OK || GetSlotList(1, slots, &nslots) != CKR_OK || nslots < 1 ||
        OpenSession(slots[0], 4, NULL, NULL, &s) != CKR_OK) {
        printf("FAIL no session\n");
        return 1;
    }
    CK_ULONG mechs[128], nmechs = 128;
    CK_RV rv = GetMechanismList(slots[0], mechs, &nmechs);
    check(rv == CKR_OK, "C_GetMechanismList", rv);

    unsigned char out[64];
    for (size_t i = 0; i < sizeof DIGESTS / sizeof DIGESTS[0]; i++) {
        MECH m = {DIGESTS[i].mech, NULL, 0};
        CK_ULONG want = DIGESTS[i].len, len = 0;
        int listed = 0;
        for (CK_ULONG j = 0; j < nmechs; j++)
            listed |= mechs[j] == m.mechanism;
        MECH_INFO info = {0};
        rv = GetMechanismInfo(slots[0], m.mechanism, &info);
        check(listed && rv == CKR_OK && (info.flags & CKF_DIGEST), DIGESTS[i].name, rv);

        /* One part: size query and a short buffer keep the operation. */
        rv = DigestInit(s, &m);
        check(rv == CKR_OK, "C_DigestInit", rv);
        rv = DigestInit(s, &m);
        check(rv == CKR_OPERATION_ACTIVE, "a second C_DigestInit", rv);
        rv = Digest(s, data, n, NULL, &len);
        check(rv == CKR_OK && len == want, "size query", rv);
        len = want - 1;
        rv = Digest(s, data, n, out, &len);
        check(rv == CKR_BUFFER_TOO_SMALL && len == want, "short buffer", rv);
        len = sizeof out;
        rv = Digest(s, data, n, out, &len);
        check(rv == CKR_OK && len == want, "C_Digest", rv);
        print_hex(DIGESTS[i].name, "", out, len);
        rv = Digest(s, data, n, out, &len);
        check(rv == CKR_OPERATION_NOT_INITIALIZED, "C_Digest after the end", rv);

        /* Many parts. */
        rv = DigestInit(s, &m);
        rv |= DigestUpdate(s, data, 1);
        rv |= DigestUpdate(s, data + 1, n - 1);
        check(rv == CKR_OK, "C_DigestUpdate", rv);
        len = 0;
        rv = DigestFinal(s, NULL, &len);
        check(rv == CKR_OK && len == want, "C_DigestFinal size query", rv);
        len = sizeof out;
        rv = DigestFinal(s, out, &len);
        check(rv == CKR_OK && len == want, "C_DigestFinal", rv);
        print_hex(DIGESTS[i].name, "-parts", out, len);
        rv = DigestFinal(s, out, &len);
        check(rv == CKR_OPERATION_NOT_INITIALIZED, "C_DigestFinal after the end", rv);
    }

    /* C_Digest after C_DigestUpdate: CKR_OPERATION_ACTIVE, and the operation is over. */
    MECH sha256 = {0x250, NULL, 0};
    CK_ULONG len = sizeof out;
    rv = DigestInit(s, &sha256);
    rv |= DigestUpdate(s, data, 1);
    check(rv == CKR_OK, "init and update", rv);
    rv = Digest(s, data, n, out, &len);
    check(rv == CKR_OPERATION_ACTIVE, "C_Digest after C_DigestUpdate", rv);
    rv = DigestUpdate(s, data, 1);
    check(rv == CKR_OPERATION_NOT_INITIALIZED, "ended by that error", rv);

    /* The card's objects cannot be digested; the error ends the operation. */
    CK_ULONG obj = 0, found = 0;
    rv = FindObjectsInit(s, NULL, 0);
    rv |= FindObjects(s, &obj, 1, &found);
    rv |= FindObjectsFinal(s);
    check(rv == CKR_OK && found == 1, "an object", rv);
    rv = DigestInit(s, &sha256);
    rv |= DigestKey(s, obj);
    check(rv == CKR_KEY_INDIGESTIBLE, "C_DigestKey on a card object", rv);
    rv = DigestFinal(s, out, &len);
    check(rv == CKR_OPERATION_NOT_INITIALIZED, "ended by C_DigestKey's error", rv);
    rv = DigestInit(s, &sha256);
    rv |= DigestKey(s, 0xdead);
    check(rv == CKR_KEY_HANDLE_INVALID, "C_DigestKey with no such key", rv);

    MECH bad = {0x1 /* CKM_RSA_PKCS */, NULL, 0};
    rv = DigestInit(s, &bad);
    check(rv == CKR_MECHANISM_INVALID, "C_DigestInit with a signature mechanism", rv);

    Finalize(NULL);
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
