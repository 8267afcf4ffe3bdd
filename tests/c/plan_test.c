/* Fleets, plan options and plans: success, findings, renderings and every planning error.
 * argv[1]: the hcx-core/data directory; argv[2]: a directory with fixtures written by the Rust harness. */
#include "check.h"

/* An on-premises pair: no cloud platform, so no "validated" release. */
static const char *ON_PREM_FLEET =
    "{\"schema\": \"hcx-fleet/v1\","
    " \"sites\": [{\"id\": \"dc1\", \"role\": \"connector\", \"platform\": \"on-prem\", \"version\": \"4.10.3\"},"
    "             {\"id\": \"dc2\", \"role\": \"cloud\", \"platform\": \"on-prem\", \"version\": \"4.11.3\"}],"
    " \"pairs\": [{\"source\": \"dc1\", \"destination\": \"dc2\"}]}";

/* AVS and GCVE clouds: with the fixture catalog their platforms validate different releases. */
static const char *TWO_CLOUD_FLEET =
    "{\"schema\": \"hcx-fleet/v1\","
    " \"sites\": [{\"id\": \"dc1\", \"role\": \"connector\", \"platform\": \"on-prem\", \"version\": \"4.10.3\"},"
    "             {\"id\": \"avs\", \"role\": \"cloud\", \"platform\": \"avs\", \"version\": \"4.10.3\"},"
    "             {\"id\": \"gcve\", \"role\": \"cloud\", \"platform\": \"gcve\", \"version\": \"4.10.3\"}],"
    " \"pairs\": [{\"source\": \"dc1\", \"destination\": \"avs\"}, {\"source\": \"dc1\", \"destination\": \"gcve\"}]}";

/* Every manager below the redeploy floor: no release is reachable from any of them. */
static const char *STRANDED_FLEET =
    "{\"schema\": \"hcx-fleet/v1\","
    " \"sites\": [{\"id\": \"old\", \"role\": \"connector\", \"platform\": \"on-prem\", \"version\": \"4.0.0\"},"
    "             {\"id\": \"old-cloud\", \"role\": \"cloud\", \"platform\": \"on-prem\", \"version\": \"4.1.0\"}],"
    " \"pairs\": [{\"source\": \"old\", \"destination\": \"old-cloud\"}]}";

/* A site id with a NUL character (legal in JSON, impossible in a C string). */
static const char *NUL_ID_FLEET =
    "{\"schema\": \"hcx-fleet/v1\","
    " \"sites\": [{\"id\": \"dc\\u00001\", \"role\": \"connector\", \"platform\": \"on-prem\", \"version\": \"4.10.3\"},"
    "             {\"id\": \"dc2\", \"role\": \"cloud\", \"platform\": \"on-prem\", \"version\": \"4.11.3\"}],"
    " \"pairs\": [{\"source\": \"dc\\u00001\", \"destination\": \"dc2\"}]}";

/* Two problems, each reported with its JSON path. */
static const char *BAD_FLEET =
    "{\"schema\": \"hcx-fleet/v1\","
    " \"sites\": [{\"id\": \"dc1\", \"role\": \"connector\", \"platform\": \"on-prem\", \"version\": \"4.x\"},"
    "             {\"id\": \"dc2\", \"role\": \"manager\", \"platform\": \"avs\", \"version\": \"4.11.3\"}]}";

/* A weekly window in local time: Saturdays 22:00 for 6 h in New York (the same form Rust and Python read). */
#define WEEKLY_FLEET(tz)                                                                                         \
    "{\"schema\": \"hcx-fleet/v1\","                                                                            \
    " \"sites\": [{\"id\": \"dc1\", \"role\": \"connector\", \"platform\": \"on-prem\", \"version\": \"4.10.3\"},"   \
    "             {\"id\": \"dc2\", \"role\": \"cloud\", \"platform\": \"on-prem\", \"version\": \"4.11.3\"}],"     \
    " \"pairs\": [{\"source\": \"dc1\", \"destination\": \"dc2\"}],"                                                \
    " \"windows\": [{\"weekly\": {\"days\": [\"sat\"], \"start\": \"22:00\", \"duration\": \"6h\", \"tz\": \"" tz "\"}}]}"

static hcx_fleet *fleet_from(const char *json) {
    hcx_fleet *fleet = NULL;
    CHECK_STATUS(hcx_fleet_from_json(json, &fleet), HCX_OK);
    CHECK(fleet != NULL);
    return fleet;
}

static hcx_plan_options *options_for(const char *target) {
    hcx_plan_options *options = NULL;
    CHECK_STATUS(hcx_plan_options_new(target, "2026-11-28", &options), HCX_OK);
    return options;
}

static void check_plan_error(const hcx_fleet *fleet, const hcx_catalog *catalog, const hcx_plan_options *options,
                             hcx_status want, const char *needle) {
    hcx_plan *plan = (hcx_plan *)&want; /* any non-NULL value: it must be reset to NULL */
    CHECK_STATUS(hcx_plan_new(fleet, catalog, options, &plan), want);
    CHECK(plan == NULL);
    CHECK_ERROR_CONTAINS(needle);
}

/* Plans the fleet with no options, and for "validated" with a NULL date (today in UTC). Returns the first plan
 * when both give the same document, else NULL. */
static hcx_plan *default_plan_if_validated_today(const hcx_fleet *fleet, const hcx_catalog *catalog) {
    hcx_plan *defaults = NULL;
    CHECK_STATUS(hcx_plan_new_default(fleet, catalog, &defaults), HCX_OK);
    hcx_plan_options *today = NULL;
    CHECK_STATUS(hcx_plan_options_new("validated", NULL, &today), HCX_OK);
    hcx_plan *explicit_plan = NULL;
    CHECK_STATUS(hcx_plan_new(fleet, catalog, today, &explicit_plan), HCX_OK);
    char *default_json = NULL;
    char *explicit_json = NULL;
    CHECK_STATUS(hcx_plan_to_json(defaults, &default_json), HCX_OK);
    CHECK_STATUS(hcx_plan_to_json(explicit_plan, &explicit_json), HCX_OK);
    int same = strcmp(default_json, explicit_json) == 0;
    hcx_string_free(default_json);
    hcx_string_free(explicit_json);
    hcx_plan_free(explicit_plan);
    hcx_plan_options_free(today);
    if (!same) {
        hcx_plan_free(defaults);
        defaults = NULL;
    }
    return defaults;
}

int main(int argc, char **argv) {
    CHECK(argc >= 3);
    const char *data = argv[1];
    const char *fixtures = argv[2];

    hcx_catalog *catalog = NULL;
    CHECK_STATUS(hcx_catalog_new(&catalog), HCX_OK);

    /* The sample fleet, from a file and from text. */
    char path[4096];
    CHECK(snprintf(path, sizeof path, "%s/sample-fleet.json", data) < (int)sizeof path);
    hcx_fleet *fleet = NULL;
    CHECK_STATUS(hcx_fleet_load(path, &fleet), HCX_OK);
    size_t count = 0;
    CHECK_STATUS(hcx_fleet_site_count(fleet, &count), HCX_OK);
    CHECK(count == 2);
    char *json = NULL;
    CHECK_STATUS(hcx_fleet_to_json(fleet, &json), HCX_OK);
    hcx_fleet *again = fleet_from(json); /* the JSON form round-trips */
    CHECK_OWNED_CONTAINS(json, "\"avs-weu\"");
    hcx_fleet_free(again);

    /* The plan: the AVS-validated target, steps, findings and three renderings. */
    hcx_plan_options *options = options_for("validated");
    hcx_plan *plan = NULL;
    CHECK_STATUS(hcx_plan_new(fleet, catalog, options, &plan), HCX_OK);
    char *target = NULL;
    CHECK_STATUS(hcx_plan_target(plan, &target), HCX_OK);
    CHECK(strcmp(target, "4.11.4") == 0);
    hcx_string_free(target);
    size_t steps = 0;
    CHECK_STATUS(hcx_plan_step_count(plan, &steps), HCX_OK);
    CHECK(steps > 0);
    bool blocked = true;
    CHECK_STATUS(hcx_plan_has_blockers(plan, &blocked), HCX_OK);

    CHECK_STATUS(hcx_plan_to_json(plan, &json), HCX_OK);
    CHECK(strstr(json, "\"hcx-plan/v2\"") != NULL);
    CHECK(strstr(json, "\"steps\"") != NULL);
    CHECK_OWNED_CONTAINS(json, "\"4.11.4\"");
    char *markdown = NULL;
    CHECK_STATUS(hcx_plan_to_markdown(plan, &markdown), HCX_OK);
    CHECK_OWNED_CONTAINS(markdown, "4.11.4");
    char *text = NULL;
    CHECK_STATUS(hcx_plan_to_text(plan, &text), HCX_OK);
    CHECK_OWNED_CONTAINS(text, "4.11.4");
    char *html = NULL;
    CHECK_STATUS(hcx_plan_to_html(plan, fleet, &html), HCX_OK);
    CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "connector \xc2\xb7 on-prem") != NULL); /* the fleet's roles and platforms */
    CHECK_OWNED_CONTAINS(html, "data-step=\"S1\"");
    CHECK_STATUS(hcx_plan_to_html(plan, NULL, &html), HCX_OK); /* from the plan alone */
    CHECK(strstr(html, "connector \xc2\xb7 on-prem") == NULL);
    CHECK_OWNED_CONTAINS(html, "data-step=\"S1\"");

    size_t findings = 0;
    CHECK_STATUS(hcx_plan_finding_count(plan, &findings), HCX_OK);
    CHECK(findings > 0);
    bool saw_blocker = false; /* nothing is acknowledged, so any blocker blocks */
    for (size_t i = 0; i < findings; i++) {
        hcx_severity severity = HCX_SEVERITY_UNKNOWN;
        char *rule = NULL;
        char *message = NULL;
        CHECK_STATUS(hcx_plan_finding(plan, i, &severity, &rule, &message), HCX_OK);
        CHECK(severity == HCX_SEVERITY_BLOCKER || severity == HCX_SEVERITY_WARNING || severity == HCX_SEVERITY_INFO);
        CHECK(rule != NULL && strlen(rule) > 0 && message != NULL && strlen(message) > 0);
        saw_blocker = saw_blocker || severity == HCX_SEVERITY_BLOCKER;
        hcx_string_free(rule);
        hcx_string_free(message);
    }
    CHECK(saw_blocker == blocked);
    CHECK_STATUS(hcx_plan_finding(plan, 0, NULL, NULL, NULL), HCX_OK);
    char *rule = (char *)"sentinel";
    CHECK_STATUS(hcx_plan_finding(plan, findings, NULL, &rule, NULL), HCX_INDEX_OUT_OF_RANGE);
    CHECK(rule == NULL);
    CHECK_ERROR_CONTAINS("out of range");
    CHECK_STATUS(hcx_plan_findings_json(plan, &json), HCX_OK);
    CHECK_OWNED_CONTAINS(json, "\"rule\"");

    /* No options: hcx-core's defaults (the fleet's default target, today in UTC), and the plan's digest. The
     * two plans read the clock apart; when midnight passed between them they are planned again (it does not
     * pass twice), and a real difference fails both tries. */
    hcx_plan *defaults = default_plan_if_validated_today(fleet, catalog);
    if (defaults == NULL) {
        defaults = default_plan_if_validated_today(fleet, catalog);
    }
    CHECK(defaults != NULL);
    char *digest = NULL;
    CHECK_STATUS(hcx_plan_digest(defaults, &digest), HCX_OK);
    CHECK(strncmp(digest, "sha256:", 7) == 0 && strlen(digest) == 71);
    hcx_string_free(digest);
    CHECK_STATUS(hcx_plan_findings_text(defaults, &json), HCX_OK);
    CHECK_OWNED_CONTAINS(json, "HCX checks: target 4.11.4");
    hcx_plan_free(defaults);
    CHECK_STATUS(hcx_plan_new_default(NULL, catalog, &defaults), HCX_NULL_PARAMETER);
    CHECK(defaults == NULL);
    CHECK_STATUS(hcx_plan_digest(NULL, &digest), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_findings_text(plan, NULL), HCX_NULL_PARAMETER);

    /* The inputs may be freed before the plan. */
    hcx_plan_options_free(options);
    hcx_fleet_free(fleet);
    CHECK_STATUS(hcx_plan_step_count(plan, &steps), HCX_OK);
    hcx_plan_free(plan);

    /* Acknowledging a rule and the NE preference are accepted; an unknown rule is not. */
    char *sample = read_file(data, "sample-fleet.json");
    fleet = fleet_from(sample);
    free(sample);
    options = options_for("4.11.4");
    CHECK_STATUS(hcx_plan_options_acknowledge(options, "snapshot-window"), HCX_OK);
    CHECK_STATUS(hcx_plan_options_set_ne_in_service(options, true), HCX_OK);
    CHECK_STATUS(hcx_plan_new(fleet, catalog, options, &plan), HCX_OK);
    CHECK_STATUS(hcx_plan_to_json(plan, &json), HCX_OK);
    CHECK_OWNED_CONTAINS(json, "\"4.11.4\"");
    hcx_plan_free(plan);
    CHECK_STATUS(hcx_plan_options_acknowledge(options, "no-such-rule"), HCX_OK);
    check_plan_error(fleet, catalog, options, HCX_UNKNOWN_RULE, "no-such-rule");
    hcx_plan_options_free(options);

    /* Every planning error. */
    options = options_for("4.10.99");
    check_plan_error(fleet, catalog, options, HCX_UNKNOWN_TARGET, "4.10.99");
    hcx_plan_options_free(options);
    hcx_fleet_free(fleet);

    options = options_for("validated");
    fleet = NULL;
    CHECK_STATUS(hcx_fleet_new(&fleet), HCX_OK);
    check_plan_error(fleet, catalog, options, HCX_EMPTY_FLEET, "no sites");
    hcx_fleet_free(fleet);

    fleet = fleet_from(ON_PREM_FLEET);
    check_plan_error(fleet, catalog, options, HCX_NO_VALIDATED_RELEASE, "no validated release");
    hcx_fleet_free(fleet);

    hcx_catalog *two_validated = NULL;
    CHECK(snprintf(path, sizeof path, "%s/two-validated-catalog.json", fixtures) < (int)sizeof path);
    CHECK_STATUS(hcx_catalog_load(path, &two_validated), HCX_OK);
    fleet = fleet_from(TWO_CLOUD_FLEET);
    check_plan_error(fleet, two_validated, options, HCX_CONFLICTING_VALIDATED, "different releases");
    hcx_fleet_free(fleet);
    hcx_catalog_free(two_validated);
    hcx_plan_options_free(options);

    options = options_for("latest");
    fleet = fleet_from(STRANDED_FLEET);
    check_plan_error(fleet, catalog, options, HCX_NOTHING_REACHABLE, "no release is reachable");
    hcx_fleet_free(fleet);
    hcx_plan_options_free(options);

    /* The renderings show a NUL from the input as \u{0} (as every control character); a finding's raw message
     * cannot carry it as a C string; the JSON form escapes it. */
    options = options_for("4.11.4");
    fleet = fleet_from(NUL_ID_FLEET);
    CHECK_STATUS(hcx_plan_new(fleet, catalog, options, &plan), HCX_OK);
    CHECK_STATUS(hcx_plan_to_text(plan, &text), HCX_OK);
    CHECK_OWNED_CONTAINS(text, "dc\\u{0}1");
    CHECK_STATUS(hcx_plan_to_markdown(plan, &text), HCX_OK);
    CHECK_OWNED_CONTAINS(text, "dc\\\\u{0}1");
    size_t nul_findings = 0, nul_at = 0;
    CHECK_STATUS(hcx_plan_finding_count(plan, &nul_findings), HCX_OK);
    while (nul_at < nul_findings) {
        char *message = NULL;
        if (hcx_plan_finding(plan, nul_at, NULL, NULL, &message) == HCX_OUTPUT_CONTAINS_NUL) break;
        hcx_string_free(message);
        nul_at++;
    }
    CHECK(nul_at < nul_findings);
    text = (char *)"sentinel";
    CHECK_STATUS(hcx_plan_finding(plan, nul_at, NULL, NULL, &text), HCX_OUTPUT_CONTAINS_NUL);
    CHECK(text == NULL);
    CHECK_ERROR_CONTAINS("NUL byte");
    CHECK_STATUS(hcx_plan_to_json(plan, &json), HCX_OK);
    CHECK_OWNED_CONTAINS(json, "dc\\u00001");
    hcx_plan_free(plan);
    hcx_fleet_free(fleet);
    hcx_plan_options_free(options);

    /* Invalid options. */
    options = (hcx_plan_options *)&count;
    CHECK_STATUS(hcx_plan_options_new("newest", "2026-11-28", &options), HCX_INVALID_ARGUMENT);
    CHECK(options == NULL);
    CHECK_ERROR_CONTAINS("invalid target \"newest\"");
    CHECK_STATUS(hcx_plan_options_new("latest", "2026-13-45", &options), HCX_INVALID_ARGUMENT);
    CHECK_ERROR_CONTAINS("invalid date \"2026-13-45\"");
    CHECK_STATUS(hcx_plan_options_new("latest", NULL, &options), HCX_OK); /* NULL date: today */
    hcx_plan_options_free(options);
    CHECK_STATUS(hcx_plan_options_new("lat\xe9st", NULL, &options), HCX_INVALID_UTF8);
    CHECK_STATUS(hcx_plan_options_new("latest", "2026\xff", &options), HCX_INVALID_UTF8);
    CHECK_ERROR_CONTAINS("`date`");

    /* Invalid fleets: every problem with its JSON path; unreadable files. */
    fleet = (hcx_fleet *)&count;
    CHECK_STATUS(hcx_fleet_from_json(BAD_FLEET, &fleet), HCX_INVALID_FLEET);
    CHECK(fleet == NULL);
    CHECK_ERROR_CONTAINS("$.sites[0].version");
    CHECK_ERROR_CONTAINS("$.sites[1].role");
    CHECK_STATUS(hcx_fleet_from_json("[1, 2", &fleet), HCX_INVALID_FLEET);
    CHECK_STATUS(hcx_fleet_from_json("{\"schema\": \"hcx-fleet/v1\", \"sites\": [{\"id\": \"\xc0\"}]}", &fleet),
                 HCX_INVALID_UTF8);
    CHECK_STATUS(hcx_fleet_load("/nonexistent/fleet.json", &fleet), HCX_IO_ERROR);
    CHECK_ERROR_CONTAINS("/nonexistent/fleet.json");

    /* NULL arguments everywhere. */
    CHECK_STATUS(hcx_fleet_new(NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_fleet_from_json(NULL, &fleet), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_fleet_from_json(ON_PREM_FLEET, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_fleet_load(NULL, &fleet), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_fleet_to_json(NULL, &json), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_fleet_site_count(NULL, &count), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_options_new(NULL, NULL, &options), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_options_new("latest", NULL, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_options_acknowledge(NULL, "snapshot-window"), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_options_set_ne_in_service(NULL, true), HCX_NULL_PARAMETER);
    fleet = fleet_from(ON_PREM_FLEET);
    options = options_for("latest");
    CHECK_STATUS(hcx_plan_options_acknowledge(options, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_new(NULL, catalog, options, &plan), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`fleet`");
    CHECK_STATUS(hcx_plan_new(fleet, NULL, options, &plan), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`catalog`");
    CHECK_STATUS(hcx_plan_new(fleet, catalog, NULL, &plan), HCX_NULL_PARAMETER);
    CHECK_ERROR_CONTAINS("`options`");
    CHECK_STATUS(hcx_plan_new(fleet, catalog, options, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_to_json(NULL, &json), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_to_markdown(NULL, &json), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_to_html(NULL, NULL, &json), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_to_text(NULL, &json), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_target(NULL, &json), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_step_count(NULL, &count), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_has_blockers(NULL, &blocked), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_finding_count(NULL, &count), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_finding(NULL, 0, NULL, NULL, NULL), HCX_NULL_PARAMETER);
    CHECK_STATUS(hcx_plan_findings_json(NULL, &json), HCX_NULL_PARAMETER);
    hcx_plan_options_free(options);
    hcx_fleet_free(fleet);

    /* Weekly windows: planned on the Saturday New York falls back, the first step opens at 22:00 EDT (02:00 UTC),
     * and the plan carries the zone; an unknown zone is refused with its JSON path. */
    fleet = fleet_from(WEEKLY_FLEET("America/New_York"));
    CHECK_STATUS(hcx_fleet_to_json(fleet, &json), HCX_OK);
    CHECK_OWNED_CONTAINS(json, "\"tz\": \"America/New_York\"");
    CHECK_STATUS(hcx_plan_options_new("4.11.4", "2026-10-31", &options), HCX_OK);
    CHECK_STATUS(hcx_plan_new(fleet, catalog, options, &plan), HCX_OK);
    CHECK_STATUS(hcx_plan_to_json(plan, &json), HCX_OK);
    CHECK(strstr(json, "2026-11-01T02:00:00Z") != NULL);
    CHECK_OWNED_CONTAINS(json, "America/New_York");
    CHECK_STATUS(hcx_plan_to_text(plan, &text), HCX_OK);
    CHECK_OWNED_CONTAINS(text, "2026-10-31 22:00 EDT");
    hcx_plan_free(plan);
    hcx_plan_options_free(options);
    hcx_fleet_free(fleet);
    fleet = NULL;
    CHECK_STATUS(hcx_fleet_from_json(WEEKLY_FLEET("Mars/Olympus_Mons"), &fleet), HCX_INVALID_FLEET);
    CHECK(fleet == NULL);
    CHECK_ERROR_CONTAINS("$.windows[0].weekly.tz: unknown time zone");

    hcx_catalog_free(catalog);
    printf("plan_test: ok\n");
    return 0;
}
