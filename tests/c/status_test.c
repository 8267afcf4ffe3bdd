/* Status codes, names, the last error, owned strings, NULL-safe frees and the panic boundary. */
#include "check.h"

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;

    /* Names and descriptions are static strings; unknown codes have a fallback. */
    CHECK(strcmp(hcx_status_name(HCX_OK), "HCX_OK") == 0);
    CHECK(strcmp(hcx_status_name(HCX_NULL_PARAMETER), "HCX_NULL_PARAMETER") == 0);
    CHECK(strcmp(hcx_status_name(HCX_PANIC), "HCX_PANIC") == 0);
    CHECK(strcmp(hcx_status_name(12345), "HCX_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(hcx_status_description(HCX_OK), "success") == 0);
    CHECK(strcmp(hcx_status_description(HCX_INVALID_UTF8), "a string argument is not valid UTF-8") == 0);
    CHECK(strcmp(hcx_status_description(7), "unknown status") == 0);
    /* The numbers are part of the ABI. */
    CHECK(HCX_OK == 0 && HCX_NULL_PARAMETER == 100 && HCX_INVALID_VERSION == 200 && HCX_NO_UPGRADE_PATH == 300);
    CHECK(HCX_PLAN_FAILED == 400 && HCX_PANIC == 900);

    const char *version = hcx_library_version();
    CHECK(version != NULL && strchr(version, '.') != NULL);

    /* No error yet on this thread. */
    CHECK(hcx_last_error_message() == NULL);

    /* A failure sets the message; reading it does not clear it; a success clears it. */
    hcx_version v;
    CHECK_STATUS(hcx_version_parse("4.x", &v), HCX_INVALID_VERSION);
    CHECK_ERROR_CONTAINS("invalid hcx version \"4.x\"");
    CHECK_ERROR_CONTAINS("4.x");
    CHECK_STATUS(hcx_version_parse("4.10.3", &v), HCX_OK);
    CHECK(hcx_last_error_message() == NULL);

    /* Every free accepts NULL. */
    hcx_string_free(NULL);
    hcx_catalog_free(NULL);
    hcx_fleet_free(NULL);
    hcx_plan_options_free(NULL);
    hcx_plan_free(NULL);

    /* A panic inside the library is caught and reported; the library keeps working. */
    CHECK_STATUS(hcx_debug_panic(), HCX_PANIC);
    CHECK_ERROR_CONTAINS("panic");
    CHECK_ERROR_CONTAINS("hcx_debug_panic was called");
    CHECK_STATUS(hcx_version_parse("9.1.1.0", &v), HCX_OK);
    CHECK(v.major == 9 && v.minor == 1 && v.patch == 1 && v.revision == 0);

    printf("status_test: ok\n");
    return 0;
}
