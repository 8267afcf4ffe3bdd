/* Plans a fleet with no options through the C ABI and prints the plan digest, then the JSON document.
 * Usage: default_plan FLEET.json. Exit status 0 on success, 1 on an error. */
#include <stdio.h>

#include "hcx.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FLEET.json\n", argv[0]);
        return 1;
    }
    hcx_fleet *fleet = NULL;
    hcx_catalog *catalog = NULL;
    hcx_plan *plan = NULL;
    char *digest = NULL;
    char *json = NULL;
    int code = 1;
    if (hcx_fleet_load(argv[1], &fleet) == HCX_OK && hcx_catalog_new(&catalog) == HCX_OK &&
        hcx_plan_new_default(fleet, catalog, &plan) == HCX_OK && hcx_plan_digest(plan, &digest) == HCX_OK &&
        hcx_plan_to_json(plan, &json) == HCX_OK) {
        printf("%s\n%s", digest, json);
        code = 0;
    } else {
        char *message = hcx_last_error_message();
        fprintf(stderr, "error: %s\n", message ? message : "unknown");
        hcx_string_free(message);
    }
    hcx_string_free(json);
    hcx_string_free(digest);
    hcx_plan_free(plan);
    hcx_catalog_free(catalog);
    hcx_fleet_free(fleet);
    return code;
}
