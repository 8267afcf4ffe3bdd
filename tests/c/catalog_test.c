/* The catalog handle and upgrade-path checks, with every path error. argv[1]: the hcx-core/data directory. */
#include "check.h"

int main(int argc, char **argv) {
    CHECK(argc >= 2);
    const char *data = argv[1];

    hcx_catalog *catalog = NULL;
    CHECK_STATUS(hcx_catalog_new(&catalog), HCX_OK);
    CHECK(catalog != NULL);

    char *as_of = NULL;
    CHECK_STATUS(hcx_catalog_as_of(catalog, &as_of), HCX_OK);
    CHECK(strlen(as_of) == 10 && as_of[4] == '-' && as_of[7] == '-');
    hcx_string_free(as_of);

    bool known = false;
    CHECK_STATUS(hcx_catalog_is_known(catalog, "4.10.3.0-24447633", &known), HCX_OK);
    CHECK(known);
    CHECK_STATUS(hcx_catalog_is_known(catalog, "4.10.99", &known), HCX_OK);
    CHECK(!known);

    /* A path through the stepping stones, with JSON and a hop count. */
    size_t hops = 0;
    char *json = NULL;
    CHECK_STATUS(hcx_catalog_path(catalog, "4.3.3", "4.10.3", &hops, &json), HCX_OK);
    CHECK(hops == 3);
    CHECK(strstr(json, "\"hops\"") != NULL);
    CHECK(strstr(json, "\"4.8.3\"") != NULL);
    CHECK_OWNED_CONTAINS(json, "\"4.9.2\"");
    /* Both out-parameters are optional. */
    CHECK_STATUS(hcx_catalog_path(catalog, "4.10.3", "4.10.3", NULL, NULL), HCX_OK);
    CHECK_STATUS(hcx_catalog_path(catalog, "4.10.3", "4.10.3", &hops, NULL), HCX_OK);
    CHECK(hops == 0);

    /* Every reason for no path has its own status; the JSON out-parameter is NULL on error. */
    json = (char *)"sentinel";
    CHECK_STATUS(hcx_catalog_path(catalog, "4.10.3", "4.9.0", &hops, &json), HCX_DOWNGRADE);
    CHECK(json == NULL);
    CHECK_ERROR_CONTAINS("downgrade");
    CHECK_STATUS(hcx_catalog_path(catalog, "4.0.0", "4.10.3", NULL, NULL), HCX_REDEPLOY_REQUIRED);
    CHECK_ERROR_CONTAINS("redeploy");
    CHECK_STATUS(hcx_catalog_path(catalog, "4.12.7", "9.1.1.0", NULL, NULL), HCX_UNKNOWN_RELEASE);
    CHECK_ERROR_CONTAINS("4.12.7");
    CHECK_STATUS(hcx_catalog_path(catalog, "4.11.5", "9.0.0", NULL, NULL), HCX_FORBIDDEN_PATH);
    CHECK_ERROR_CONTAINS("back-in-time");
    CHECK_STATUS(hcx_catalog_path(catalog, "4.10.0", "4.10.1", NULL, NULL), HCX_NO_UPGRADE_PATH);
    CHECK_ERROR_CONTAINS("no documented upgrade path");
    CHECK_STATUS(hcx_catalog_path(catalog, "4.x", "4.10.1", NULL, NULL), HCX_INVALID_VERSION);

    /* NULL and bad UTF-8 arguments. */
    CHECK_STATUS(hcx_catalog_new(NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_catalog_as_of(NULL, &as_of), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`catalog`");
    CHECK_STATUS(hcx_catalog_as_of(catalog, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_catalog_is_known(catalog, NULL, &known), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_catalog_is_known(catalog, "4.10.3", NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_catalog_path(NULL, "4.3.3", "4.10.3", NULL, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_catalog_path(catalog, NULL, "4.10.3", NULL, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_catalog_path(catalog, "4.3.3", "\xff", NULL, NULL), HCX_INVALID_UTF8);
    CHECK_STATUS(hcx_catalog_is_known(catalog, "\x80", &known), HCX_INVALID_UTF8);
    hcx_catalog_free(catalog);

    /* Loading: from a file, from JSON text, and their failures. */
    char path[4096];
    CHECK(snprintf(path, sizeof path, "%s/catalog.json", data) < (int)sizeof path);
    CHECK_STATUS(hcx_catalog_load(path, &catalog), HCX_OK);
    CHECK_STATUS(hcx_catalog_path(catalog, "4.9.0", "4.11.4", &hops, NULL), HCX_OK);
    CHECK(hops == 1);
    hcx_catalog_free(catalog);

    char *text = read_file(data, "catalog.json");
    CHECK_STATUS(hcx_catalog_from_json(text, &catalog), HCX_OK);
    CHECK_STATUS(hcx_catalog_is_known(catalog, "9.1.1.0", &known), HCX_OK);
    CHECK(known);
    hcx_catalog_free(catalog);
    free(text);

    catalog = (hcx_catalog *)&known; /* any non-NULL value: it must be reset to NULL */
    CHECK_STATUS(hcx_catalog_from_json("{\"schema\": \"hcx-catalog/v1\"}", &catalog), HCX_INVALID_CATALOG);
    CHECK(catalog == NULL);
    CHECK_ERROR_CONTAINS("invalid catalog");
    CHECK_STATUS(hcx_catalog_from_json("not json", &catalog), HCX_INVALID_CATALOG);
    CHECK_STATUS(hcx_catalog_from_json("\xfe", &catalog), HCX_INVALID_UTF8);
    CHECK_STATUS(hcx_catalog_from_json(NULL, &catalog), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_catalog_load("/nonexistent/hcx/catalog.json", &catalog), HCX_IO_ERROR);
    CHECK(catalog == NULL);
    CHECK_ERROR_CONTAINS("/nonexistent/hcx/catalog.json");
    CHECK_STATUS(hcx_catalog_load(NULL, &catalog), HCX_NULL_PARAMETER);

    printf("catalog_test: ok\n");
    return 0;
}
