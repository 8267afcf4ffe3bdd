/* Shared read-only handles under 8 threads, and 10 MB inputs that must give short error messages.
 * argv[1]: the hcx-core/data directory; argv[2]: the fixtures directory (unused here). */
#include <pthread.h>

#include "check.h"

#define THREADS 8
#define ROUNDS 25

struct shared {
    const hcx_fleet *fleet;
    const hcx_catalog *catalog;
    const hcx_plan_options *options;
    const hcx_plan *plan;
    const char *reference_json;
    const char *reference_text;
};

/* Each thread plans the shared fleet again and again, reads the shared plan, and compares renderings. */
static void *worker(void *arg) {
    const struct shared *s = arg;
    for (int round = 0; round < ROUNDS; round++) {
        hcx_plan *plan = NULL;
        CHECK(hcx_plan_new(s->fleet, s->catalog, s->options, &plan) == HCX_OK);
        char *json = NULL;
        CHECK(hcx_plan_to_json(plan, &json) == HCX_OK);
        CHECK(strcmp(json, s->reference_json) == 0);
        hcx_string_free(json);
        hcx_plan_free(plan);

        char *text = NULL;
        CHECK(hcx_plan_to_text(s->plan, &text) == HCX_OK);
        CHECK(strcmp(text, s->reference_text) == 0);
        hcx_string_free(text);
        size_t count = 0;
        CHECK(hcx_plan_finding_count(s->plan, &count) == HCX_OK);
        for (size_t i = 0; i < count; i++) {
            char *rule = NULL;
            char *message = NULL;
            hcx_severity severity;
            CHECK(hcx_plan_finding(s->plan, i, &severity, &rule, &message) == HCX_OK);
            CHECK(rule != NULL && message != NULL);
            hcx_string_free(rule);
            hcx_string_free(message);
        }
        bool known = false;
        CHECK(hcx_catalog_is_known(s->catalog, "4.10.3", &known) == HCX_OK && known);
        /* An error on one thread leaves the others' last error alone (it is per thread). */
        hcx_fleet *bad = NULL;
        CHECK(hcx_fleet_from_json("{", &bad) == HCX_INVALID_FLEET && bad == NULL);
        char *message = hcx_last_error_message();
        CHECK(message != NULL && strstr(message, "invalid fleet") != NULL);
        hcx_string_free(message);
    }
    return NULL;
}

static void shared_handles_under_threads(const char *data) {
    char path[4096];
    snprintf(path, sizeof path, "%s/sample-fleet.json", data);
    hcx_fleet *fleet = NULL;
    CHECK_STATUS(hcx_fleet_load(path, &fleet), HCX_OK);
    hcx_catalog *catalog = NULL;
    CHECK_STATUS(hcx_catalog_new(&catalog), HCX_OK);
    hcx_plan_options *options = NULL;
    CHECK_STATUS(hcx_plan_options_new("validated", "2026-11-28", &options), HCX_OK);
    hcx_plan *plan = NULL;
    CHECK_STATUS(hcx_plan_new(fleet, catalog, options, &plan), HCX_OK);
    char *json = NULL;
    char *text = NULL;
    CHECK_STATUS(hcx_plan_to_json(plan, &json), HCX_OK);
    CHECK_STATUS(hcx_plan_to_text(plan, &text), HCX_OK);

    struct shared s = {fleet, catalog, options, plan, json, text};
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, worker, &s) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
    }
    hcx_string_free(json);
    hcx_string_free(text);
    hcx_plan_free(plan);
    hcx_plan_options_free(options);
    hcx_catalog_free(catalog);
    hcx_fleet_free(fleet);
}

/* A 10 MB version, alone and inside a fleet: refused, with a message that quotes only its start. */
static void ten_megabyte_inputs(void) {
    size_t len = (size_t)10 << 20;
    char *huge = malloc(len + 1);
    CHECK(huge != NULL);
    memset(huge, '1', len);
    huge[0] = '4';
    huge[1] = '.';
    huge[len] = '\0';
    hcx_version v;
    CHECK_STATUS(hcx_version_parse(huge, &v), HCX_INVALID_VERSION);
    char *message = hcx_last_error_message();
    CHECK(message != NULL && strlen(message) < 2000);
    CHECK(strstr(message, "(10 MiB)") != NULL);
    hcx_string_free(message);

    const char *head = "{\"schema\": \"hcx-fleet/v1\", \"sites\": [{\"id\": \"dc1\", \"role\": \"connector\", "
                       "\"platform\": \"on-prem\", \"version\": \"";
    const char *tail = "\"}]}";
    char *doc = malloc(strlen(head) + len + strlen(tail) + 1);
    CHECK(doc != NULL);
    strcpy(doc, head);
    strcat(doc, huge);
    strcat(doc, tail);
    hcx_fleet *fleet = NULL;
    CHECK_STATUS(hcx_fleet_from_json(doc, &fleet), HCX_INVALID_FLEET);
    CHECK(fleet == NULL);
    message = hcx_last_error_message();
    CHECK(message != NULL && strlen(message) < 2000);
    CHECK(strstr(message, "$.sites[0].version") != NULL);
    hcx_string_free(message);
    free(doc);
    free(huge);
}

int main(int argc, char **argv) {
    CHECK(argc >= 2);
    shared_handles_under_threads(argv[1]);
    ten_megabyte_inputs();
    printf("reliability_test: ok\n");
    return 0;
}
