/* Helpers for the C tests of hcx-ffi. Each test program takes the path of hcx-core/data as argv[1], exits 0
 * when every check passes, and prints "status NAME" for every status it checked, so that the Rust harness
 * (hcx-ffi/tests/c_abi.rs) can assert that every status code is covered. */
#ifndef HCX_TEST_CHECK_H
#define HCX_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcx.h"

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

/* Checks that a call returns the expected status, and records the status as covered. */
#define CHECK_STATUS(call, expected) check_status((call), (expected), #call, __FILE__, __LINE__)

static inline void check_status(hcx_status got, hcx_status want, const char *call, const char *file, int line) {
    if (got != want) {
        char *message = hcx_last_error_message();
        fprintf(stderr, "%s:%d: %s returned %s (%u), expected %s (%u): %s\n", file, line, call,
                hcx_status_name(got), (unsigned)got, hcx_status_name(want), (unsigned)want,
                message ? message : "(no message)");
        hcx_string_free(message);
        exit(1);
    }
    printf("status %s\n", hcx_status_name(got));
}

/* Checks that the last error message exists and contains `needle`. */
#define CHECK_ERROR_CONTAINS(needle) check_error_contains((needle), __FILE__, __LINE__)

static inline void check_error_contains(const char *needle, const char *file, int line) {
    char *message = hcx_last_error_message();
    if (message == NULL || strstr(message, needle) == NULL) {
        fprintf(stderr, "%s:%d: last error %s does not contain \"%s\"\n", file, line,
                message ? message : "(none)", needle);
        hcx_string_free(message);
        exit(1);
    }
    hcx_string_free(message);
}

/* Checks that an owned string contains `needle`, then frees it. */
#define CHECK_OWNED_CONTAINS(s, needle) check_owned_contains((s), (needle), __FILE__, __LINE__)

static inline void check_owned_contains(char *s, const char *needle, const char *file, int line) {
    if (s == NULL || strstr(s, needle) == NULL) {
        fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", file, line, s ? s : "(null)", needle);
        hcx_string_free(s);
        exit(1);
    }
    hcx_string_free(s);
}

/* Reads a whole file into a malloc'ed, NUL-terminated buffer (the caller frees it with free()). */
static inline char *read_file(const char *dir, const char *name) {
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECK(n > 0 && (size_t)n < sizeof path);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    CHECK(fseek(f, 0, SEEK_END) == 0);
    long size = ftell(f);
    CHECK(size >= 0);
    CHECK(fseek(f, 0, SEEK_SET) == 0);
    char *buf = malloc((size_t)size + 1);
    CHECK(buf != NULL);
    CHECK(fread(buf, 1, (size_t)size, f) == (size_t)size);
    buf[size] = '\0';
    fclose(f);
    return buf;
}

#endif /* HCX_TEST_CHECK_H */
