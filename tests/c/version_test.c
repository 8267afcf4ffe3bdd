/* Versions: parse, canonical text, compare, and their error paths. */
#include "check.h"

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;

    hcx_version v = {0, 0, 0, 0};
    CHECK_STATUS(hcx_version_parse("4.9.0.0-23529166", &v), HCX_OK);
    CHECK(v.major == 4 && v.minor == 9 && v.patch == 0 && v.revision == 0);
    CHECK_STATUS(hcx_version_parse("9.1.0.3", &v), HCX_OK);
    CHECK(v.major == 9 && v.minor == 1 && v.patch == 0 && v.revision == 3);

    char *text = NULL;
    CHECK_STATUS(hcx_version_canonical("4.10.3.0", &text), HCX_OK);
    CHECK(strcmp(text, "4.10.3") == 0);
    hcx_string_free(text);
    CHECK_STATUS(hcx_version_canonical("4.9.0.0-23529166", &text), HCX_OK);
    CHECK(strcmp(text, "4.9.0-23529166") == 0);
    hcx_string_free(text);
    CHECK_STATUS(hcx_version_canonical("9.1.1", &text), HCX_OK);
    CHECK(strcmp(text, "9.1.1.0") == 0);
    hcx_string_free(text);

    int32_t order = 42;
    CHECK_STATUS(hcx_version_compare("4.10.0", "4.9.2", &order), HCX_OK);
    CHECK(order == 1);
    CHECK_STATUS(hcx_version_compare("4.9.2", "4.10.0", &order), HCX_OK);
    CHECK(order == -1);
    CHECK_STATUS(hcx_version_compare("4.10.3", "4.10.3.0-24447633", &order), HCX_OK);
    CHECK(order == 0);

    /* Invalid versions: the message quotes the input and says why. */
    CHECK_STATUS(hcx_version_parse("4.10", &v), HCX_INVALID_VERSION);
    CHECK_ERROR_CONTAINS("fewer than three numeric parts");
    text = (char *)"sentinel";
    CHECK_STATUS(hcx_version_canonical("R146", &text), HCX_INVALID_VERSION);
    CHECK(text == NULL); /* out-parameters are NULL on error */
    CHECK_STATUS(hcx_version_compare("4.10.3", "4.10.3.0.1", &order), HCX_INVALID_VERSION);
    CHECK_ERROR_CONTAINS("more than four numeric parts");

    /* NULL arguments name the argument. */
    CHECK_STATUS(hcx_version_parse(NULL, &v), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`text`");
    CHECK_STATUS(hcx_version_parse("4.10.3", NULL), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`out`");
    CHECK_STATUS(hcx_version_canonical("4.10.3", NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_version_compare(NULL, "4.10.3", &order), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`a`");
    CHECK_STATUS(hcx_version_compare("4.10.3", NULL, &order), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`b`");
    CHECK_STATUS(hcx_version_compare("4.10.3", "4.10.3", NULL), HCX_NULL_PARAMETER);

    /* Invalid UTF-8 is a status, with the offset of the bad byte. */
    CHECK_STATUS(hcx_version_parse("4.1\xff.0", &v), HCX_INVALID_UTF8);
    CHECK_ERROR_CONTAINS("offset 3");
    CHECK_STATUS(hcx_version_compare("4.10.3", "\xc3\x28", &order), HCX_INVALID_UTF8);
    CHECK_ERROR_CONTAINS("`b`");

    printf("version_test: ok\n");
    return 0;
}
