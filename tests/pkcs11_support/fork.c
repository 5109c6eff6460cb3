/* fork() in a process that loaded libsello.so (tests/pkcs11_boundary.rs).
 *
 * usage: fork MODULE FLAGS PIN
 *   FLAGS: the CK_C_INITIALIZE_ARGS flags (2 = CKF_OS_LOCKING_OK, 3 = that and
 *   CKF_LIBRARY_CANT_CREATE_OS_THREADS, as p11-kit asks).
 *
 * Forks while the module is idle, while another thread signs in a loop, and while another thread
 * is blocked in C_WaitForSlotEvent. Each child must see the module uninitialized, initialize it
 * again, find the token and finalize. A fork that never returns hangs this program: the test's
 * watchdog reports it. Prints one line per state; exits 0 when every child did its part. */
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef unsigned long CK_ULONG;
typedef CK_ULONG CK_RV;
typedef struct {
    void *create, *destroy, *lock, *unlock;
    CK_ULONG flags;
    void *reserved;
} INIT_ARGS;
typedef struct {
    CK_ULONG type;
    void *value;
    CK_ULONG len;
} ATTR;
typedef struct {
    CK_ULONG mechanism;
    void *param;
    CK_ULONG len;
} MECH;

static CK_RV (*Initialize)(void *);
static CK_RV (*Finalize)(void *);
static CK_RV (*GetSlotList)(unsigned char, CK_ULONG *, CK_ULONG *);
static CK_RV (*OpenSession)(CK_ULONG, CK_ULONG, void *, void *, CK_ULONG *);
static CK_RV (*Login)(CK_ULONG, CK_ULONG, const unsigned char *, CK_ULONG);
static CK_RV (*FindObjectsInit)(CK_ULONG, ATTR *, CK_ULONG);
static CK_RV (*FindObjects)(CK_ULONG, CK_ULONG *, CK_ULONG, CK_ULONG *);
static CK_RV (*FindObjectsFinal)(CK_ULONG);
static CK_RV (*SignInit)(CK_ULONG, MECH *, CK_ULONG);
static CK_RV (*Sign)(CK_ULONG, const unsigned char *, CK_ULONG, unsigned char *, CK_ULONG *);
static CK_RV (*WaitForSlotEvent)(CK_ULONG, CK_ULONG *, void *);

static CK_ULONG flags;
static CK_ULONG session, key;
static atomic_int signatures, stop_signing, sign_error;

#define CKR_CRYPTOKI_NOT_INITIALIZED 0x190UL

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "missing %s\n", name);
        exit(10);
    }
    return p;
}

static CK_RV init(void) {
    INIT_ARGS a = {0};
    a.flags = flags;
    return Initialize(&a);
}

/* In the child: the parent's module is not this process's; a fresh one works. */
static int child_checks(void) {
    CK_ULONG n = 0;
    if (GetSlotList(1, NULL, &n) != CKR_CRYPTOKI_NOT_INITIALIZED)
        return 1;
    if (init() != 0)
        return 2;
    n = 0;
    if (GetSlotList(1, NULL, &n) != 0 || n < 1)
        return 3;
    if (Finalize(NULL) != 0)
        return 4;
    return 0;
}

/* Forks `times` times; every child must pass `child_checks`. */
static int fork_and_check(const char *state, int times) {
    for (int i = 0; i < times; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0)
            _exit(child_checks());
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("%s: child %d failed (status %d)\n", state, i, status);
            return 1;
        }
    }
    printf("fork ok: %s\n", state);
    return 0;
}

static void *signer(void *arg) {
    (void)arg;
    unsigned char sig[512];
    MECH m = {0x40 /* CKM_SHA256_RSA_PKCS */, NULL, 0};
    while (!atomic_load(&stop_signing)) {
        CK_ULONG len = sizeof sig;
        if (SignInit(session, &m, key) != 0 || Sign(session, (const unsigned char *)"data", 4, sig, &len) != 0) {
            atomic_store(&sign_error, 1);
            break;
        }
        atomic_fetch_add(&signatures, 1);
    }
    return NULL;
}

static CK_RV waiter_rv;
static atomic_int waiting;
static void *waiter(void *arg) {
    (void)arg;
    CK_ULONG slot = 0;
    atomic_store(&waiting, 1);
    waiter_rv = WaitForSlotEvent(0, &slot, NULL);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: fork MODULE FLAGS PIN\n");
        return 10;
    }
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 10;
    }
    flags = strtoul(argv[2], NULL, 0);
    Initialize = sym(lib, "C_Initialize");
    Finalize = sym(lib, "C_Finalize");
    GetSlotList = sym(lib, "C_GetSlotList");
    OpenSession = sym(lib, "C_OpenSession");
    Login = sym(lib, "C_Login");
    FindObjectsInit = sym(lib, "C_FindObjectsInit");
    FindObjects = sym(lib, "C_FindObjects");
    FindObjectsFinal = sym(lib, "C_FindObjectsFinal");
    SignInit = sym(lib, "C_SignInit");
    Sign = sym(lib, "C_Sign");
    WaitForSlotEvent = sym(lib, "C_WaitForSlotEvent");

    if (init() != 0) {
        printf("C_Initialize failed\n");
        return 1;
    }
    if (fork_and_check("idle", 5))
        return 1;

    CK_ULONG slots[4], n = 4;
    if (GetSlotList(1, slots, &n) != 0 || n < 1) {
        printf("no token\n");
        return 1;
    }
    if (OpenSession(slots[0], 4 /* CKF_SERIAL_SESSION */, NULL, NULL, &session) != 0 ||
        Login(session, 1 /* CKU_USER */, (const unsigned char *)argv[3], strlen(argv[3])) != 0) {
        printf("session or login failed\n");
        return 1;
    }
    CK_ULONG class = 3 /* CKO_PRIVATE_KEY */;
    unsigned char id = 1;
    ATTR t[2] = {{0 /* CKA_CLASS */, &class, sizeof class}, {0x102 /* CKA_ID */, &id, 1}};
    CK_ULONG found = 0;
    if (FindObjectsInit(session, t, 2) != 0 || FindObjects(session, &key, 1, &found) != 0 || found != 1 ||
        FindObjectsFinal(session) != 0) {
        printf("no 9A key\n");
        return 1;
    }

    pthread_t th;
    pthread_create(&th, NULL, signer, NULL);
    /* Fork only once signing is under way (a condition, not a delay). */
    while (atomic_load(&signatures) < 1 && !atomic_load(&sign_error))
        sched_yield();
    int bad = fork_and_check("signing", 10);
    atomic_store(&stop_signing, 1);
    pthread_join(th, NULL);
    if (bad)
        return 1;
    if (atomic_load(&sign_error)) {
        printf("signing failed\n");
        return 1;
    }
    printf("signatures: %d\n", atomic_load(&signatures));

    pthread_t wt;
    pthread_create(&wt, NULL, waiter, NULL);
    while (!atomic_load(&waiting))
        sched_yield();
    if (fork_and_check("waiting for slot events", 10))
        return 1;
    /* C_Finalize wakes the waiter. */
    if (Finalize(NULL) != 0) {
        printf("C_Finalize failed\n");
        return 1;
    }
    pthread_join(wt, NULL);
    if (waiter_rv != CKR_CRYPTOKI_NOT_INITIALIZED) {
        printf("the waiter returned %#lx\n", waiter_rv);
        return 1;
    }
    printf("done\n");
    return 0;
}
