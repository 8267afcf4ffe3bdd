/* Plans the upgrade of a fleet with the hcx C API and prints it.
 *
 *   cc -std=c11 -I hcx-ffi/include examples/c/plan.c -L target/debug -lhcx_ffi -o plan
 *   LD_LIBRARY_PATH=target/debug ./plan hcx-core/data/sample-fleet.json validated 2026-11-28 text
 *
 * Arguments: FLEET.json [TARGET: latest | validated | VERSION] [DATE: YYYY-MM-DD, default today]
 *            [FORMAT: text | markdown | json]
 * Exit status: 0 when the plan has no blockers, 2 when it has, 1 on an error. */
#include <stdio.h>
#include <string.h>

#include "hcx.h"

/* Prints a failed call's status and message, and returns the exit code for errors. */
static int fail(const char *what, hcx_status status) {
    char *message = hcx_last_error_message(); /* owned: freed below */
    fprintf(stderr, "%s: %s (%u): %s\n", what, hcx_status_name(status), (unsigned)status,
            message ? message : hcx_status_description(status));
    hcx_string_free(message);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: %s FLEET.json [TARGET] [DATE] [text|markdown|json]\n", argv[0]);
        return 1;
    }
    const char *target = argc > 2 ? argv[2] : "validated";
    const char *date = argc > 3 ? argv[3] : NULL; /* NULL: today */
    const char *format = argc > 4 ? argv[4] : "text";

    int code = 1;
    hcx_fleet *fleet = NULL;
    hcx_catalog *catalog = NULL;
    hcx_plan_options *options = NULL;
    hcx_plan *plan = NULL;
    char *out = NULL;
    hcx_status status;

    if ((status = hcx_fleet_load(argv[1], &fleet)) != HCX_OK) {
        code = fail("loading the fleet", status);
        goto done;
    }
    if ((status = hcx_catalog_new(&catalog)) != HCX_OK) {
        code = fail("opening the catalog", status);
        goto done;
    }
    if ((status = hcx_plan_options_new(target, date, &options)) != HCX_OK) {
        code = fail("reading the options", status);
        goto done;
    }
    if ((status = hcx_plan_new(fleet, catalog, options, &plan)) != HCX_OK) {
        code = fail("planning", status);
        goto done;
    }

    if (strcmp(format, "json") == 0) {
        status = hcx_plan_to_json(plan, &out);
    } else if (strcmp(format, "markdown") == 0) {
        status = hcx_plan_to_markdown(plan, &out);
    } else {
        status = hcx_plan_to_text(plan, &out);
    }
    if (status != HCX_OK) {
        code = fail("rendering the plan", status);
        goto done;
    }
    fputs(out, stdout);

    size_t findings = 0;
    if ((status = hcx_plan_finding_count(plan, &findings)) != HCX_OK) {
        code = fail("counting findings", status);
        goto done;
    }
    for (size_t i = 0; i < findings; i++) {
        hcx_severity severity;
        char *rule = NULL;
        if (hcx_plan_finding(plan, i, &severity, &rule, NULL) == HCX_OK && severity == HCX_SEVERITY_BLOCKER) {
            fprintf(stderr, "blocker: %s\n", rule);
        }
        hcx_string_free(rule);
    }

    bool blocked = false;
    if ((status = hcx_plan_has_blockers(plan, &blocked)) != HCX_OK) {
        code = fail("checking blockers", status);
        goto done;
    }
    code = blocked ? 2 : 0;

done:
    /* Every free accepts NULL, so one exit path releases everything. */
    hcx_string_free(out);
    hcx_plan_free(plan);
    hcx_plan_options_free(options);
    hcx_catalog_free(catalog);
    hcx_fleet_free(fleet);
    return code;
}
