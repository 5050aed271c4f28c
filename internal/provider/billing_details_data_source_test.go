package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// The golden day 2024-03-01 of the simulator: eight records, Log's amount sent as a string,
// deductionAmount "None" on odd days, cashCouldAmount "" on Log and null on Metric.
func TestBillingDetailsReadsExactRecordsAndTotals(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"),
		expect(at("records"), knownvalue.ListSizeExact(8)),
		expect(at("records", 0), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"date":                knownvalue.StringExact("2024-03-01"),
			"product_name":        knownvalue.StringExact("dataFlux"),
			"product_detail":      knownvalue.StringExact("Log"),
			"measurement":         knownvalue.StringExact("logging"),
			"billing_cycle":       knownvalue.StringExact("Day"),
			"billing_result":      knownvalue.NumberExact(num("1648.52")),
			"origin_amount":       knownvalue.NumberExact(num("1648.524")),
			"deduction_amount":    knownvalue.Null(),
			"owe_amount":          knownvalue.Null(),
			"coupon_amount":       knownvalue.NumberExact(num("0")),
			"stored_card_amount":  knownvalue.NumberExact(num("0")),
			"cash_amount":         knownvalue.NumberExact(num("1648.52")),
			"cloud_market_amount": knownvalue.Null(),
			"commodity_category":  knownvalue.StringExact("pay-as-you-go"),
			"consume_platform":    knownvalue.StringExact("guance"),
			"customer_identifier": knownvalue.Null(),
			"workspace_uuid":      knownvalue.StringExact(guancesim.WorkspaceUUID),
			"workspace_name":      knownvalue.StringExact("生产环境"),
			"consume_time":        knownvalue.StringExact("2024-03-01 23:59:59"),
			"count":               knownvalue.NumberExact(num("137377")),
		})),
		expect(at("records", 1, "consume_platform"), knownvalue.Null()),
		expect(at("records", 1, "cloud_market_amount"), knownvalue.Null()),
		expect(at("records", 4, "coupon_amount"), knownvalue.NumberExact(num("122.20"))),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
		expect(at("total_origin_amount"), knownvalue.NumberExact(num("3291.5803"))),
		expect(at("totals_by_product"), knownvalue.MapExact(map[string]knownvalue.Check{
			"Log":            knownvalue.NumberExact(num("1648.52")),
			"Metric":         knownvalue.NumberExact(num("151.29")),
			"APM Trace":      knownvalue.NumberExact(num("280.14")),
			"RUM PV":         knownvalue.NumberExact(num("674.70")),
			"Session Replay": knownvalue.NumberExact(num("122.20")),
			"Synthetic Test": knownvalue.NumberExact(num("99.90")),
			"Security Check": knownvalue.NumberExact(num("133.85")),
			"Data Forward":   knownvalue.NumberExact(num("180.98")),
		})),
	)
}

// A month's total must be the exact decimal sum, where float addition would drift.
func TestBillingDetailsMonthTotalsAreExactDecimals(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, billingConfig(simProvider(sim), "20240301", "2024-03-31"),
		expect(at("records"), knownvalue.ListSizeExact(248)),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("80527.10"))),
		expect(at("total_origin_amount"), knownvalue.NumberExact(num("80527.0773"))),
		expect(at("start_date"), knownvalue.StringExact("20240301")),
		expect(at("end_date"), knownvalue.StringExact("2024-03-31")),
	)
}

// Before 2024 the API names the measurement tag6; on 2023-07-31 it also sends the
// documentation's example record, which is "None" almost everywhere.
func TestBillingDetailsTakesTag6AndTheDocumentedExampleRecord(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, billingConfig(simProvider(sim), "20230731", "20230731"),
		expect(at("records"), knownvalue.ListSizeExact(9)),
		expect(at("records", 0, "measurement"), knownvalue.StringExact("session_replay")),
		expect(at("records", 0, "product_name"), knownvalue.Null()),
		expect(at("records", 0, "billing_cycle"), knownvalue.Null()),
		expect(at("records", 0, "billing_result"), knownvalue.NumberExact(num("0"))),
		expect(at("records", 1, "measurement"), knownvalue.StringExact("logging")),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("2753.99"))),
	)
}

func TestBillingDetailsEmptyPeriodHasZeroTotals(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, billingConfig(simProvider(sim), "2022-05-01", "2022-05-31"),
		expect(at("records"), knownvalue.ListSizeExact(0)),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("0"))),
		expect(at("total_origin_amount"), knownvalue.NumberExact(num("0"))),
		expect(at("totals_by_product"), knownvalue.MapSizeExact(0)),
	)
}

// Each bad input fails at plan with the attribute and the value named, before any request.
func TestBillingDetailsRefusesBadPeriods(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		start, end string
		want       []string
	}{
		"not a date":          {"2024-3-01", "2024-03-31", []string{"Invalid date", `start_date: "2024-3-01" is not a date: use YYYY-MM-DD or YYYYMMDD`}},
		"impossible day":      {"2024-03-01", "20230229", []string{"Invalid date", `end_date: "20230229" is not a real calendar date`}},
		"end before start":    {"2024-03-31", "2024-03-01", []string{"Invalid billing period", `end_date "2024-03-01" is before start_date "2024-03-31"`}},
		"month thirteen":      {"2024-13-01", "2024-03-01", []string{`start_date: "2024-13-01" is not a real calendar date`}},
		"timestamp not a day": {"2024-03-01T00:00:00Z", "2024-03-02", []string{`"2024-03-01T00:00:00Z" is not a date`}},
		"two years":           {"2023-01-01", "2024-12-31", []string{"Invalid billing period", "2023-01-01 to 2024-12-31 is 731 days, and one read asks for at most 366 (a leap year)", "Read each year in a data source of its own"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := newSim(t, guancesim.Options{})
			failsWith(t, billingConfig(simProvider(sim), tc.start, tc.end), tc.want...)
			if n := sim.Requests(); n != 0 {
				t.Errorf("%d requests for an invalid period", n)
			}
		})
	}
}

func TestBillingDetailsRidesOutRateLimits(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	sim.InjectFault(guancesim.FaultRateLimitKey, 2)
	sim.InjectFault(guancesim.FaultRateLimitWorkspace, 1)
	sim.InjectFault(guancesim.FaultTooManyRequests, 1)
	readsAs(t, billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
	)
	if faults := sim.FaultsServed(); faults[guancesim.FaultRateLimitKey] != 2 || faults[guancesim.FaultTooManyRequests] != 1 {
		t.Errorf("faults served: %v", faults)
	}
}

func TestBillingDetailsRejectedTokenSaysUseTheSecretAndGivesTheTraceID(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	failsWith(t, billingConfig(`
provider "guance" {
  endpoint     = "`+sim.URL()+`"
  access_token = "the-key-id-not-the-secret"
}`, "2024-03-01", "2024-03-01"), "Guance rejected the access token", "HTTP 403", "ft.InvalidAPIKey", "traceId TRACE-", "Use the API Key *secret*", "not its Key ID")
	if n := sim.Requests(); n != 1 {
		t.Errorf("a rejected token was retried: %d requests", n)
	}
}

func TestBillingDetailsFailsOnAnUnusableAnswerInsteadOfPartialData(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	sim.InjectFault(guancesim.FaultNonNumericAmount, 1)
	failsWith(t, billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"), "unusable answer", "no partial bill", `billing record 1 (date "2024-03-01", productDetail "Log"): billingResult is "12,50 CNY", which is not a number`, "traceId TRACE-")
}

func TestBillingDetailsBreaksTotalsDownByDateAndMeasurement(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"),
		expect(at("totals_by_date"), knownvalue.MapExact(map[string]knownvalue.Check{
			"2024-03-01": knownvalue.NumberExact(num("3291.58")),
		})),
		expect(at("totals_by_measurement"), knownvalue.MapSizeExact(8)),
		expect(at("totals_by_measurement", "logging"), knownvalue.NumberExact(num("1648.52"))),
		expect(at("totals_by_measurement", "session_replay"), knownvalue.NumberExact(num("122.2"))),
	)
}

// Totals only: no records in state, every total still exact.
func TestBillingDetailsTotalsOnlyLeavesRecordsNull(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  include_records = false
}
`,
		expect(at("records"), knownvalue.Null()),
		expect(at("include_records"), knownvalue.Bool(false)),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("80527.10"))),
		expect(at("total_origin_amount"), knownvalue.NumberExact(num("80527.0773"))),
		expect(at("totals_by_date"), knownvalue.MapSizeExact(31)),
	)
}

// Filters cut records and totals alike; every filter must match.
func TestBillingDetailsFiltersRecordsAndTotals(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-01"
  product_details = ["Log", "Session Replay", "Metric"]
  measurements    = ["logging", "session_replay"]
  workspace_uuids = ["`+guancesim.WorkspaceUUID+`"]
}
`,
		expect(at("records"), knownvalue.ListSizeExact(2)),
		expect(at("records", 0, "product_detail"), knownvalue.StringExact("Log")),
		expect(at("records", 1, "product_detail"), knownvalue.StringExact("Session Replay")),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("1770.72"))),
		expect(at("totals_by_product"), knownvalue.MapExact(map[string]knownvalue.Check{
			"Log":            knownvalue.NumberExact(num("1648.52")),
			"Session Replay": knownvalue.NumberExact(num("122.20")),
		})),
		expect(at("product_details"), knownvalue.SetSizeExact(3)),
	)
}

func TestBillingDetailsFilterOnAnotherWorkspaceKeepsNothing(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	readsAs(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-01"
  workspace_uuids = ["wksp_other"]
}
`,
		expect(at("records"), knownvalue.ListSizeExact(0)),
		expect(at("total_billing_result"), knownvalue.NumberExact(num("0"))),
		expect(at("totals_by_product"), knownvalue.MapSizeExact(0)),
	)
}

func TestBillingDetailsRefusesAnEmptyFilter(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	failsWith(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-01"
  product_details = []
}
`, "Empty filter", "product_details is an empty set, which would keep no record", "Leave product_details out to keep every record")
}

// A gateway that keeps failing outlasts the retries: the diagnostic says so and what to do.
func TestBillingDetailsServerErrorsThatOutlastRetriesSayWhatToDo(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	sim.InjectFault(guancesim.FaultUnavailableHTML, 3)
	failsWith(t, `
provider "guance" {
  endpoint     = "`+sim.URL()+`"
  access_token = "`+guancesim.DefaultToken+`"
  max_attempts = 3
}
`+billingConfig("", "2024-03-01", "2024-03-01"), "the API is failing", "HTTP 503", "The provider tried 3 times", "max_attempts and max_retry_wait")
}

// One attempt is one time, and a server that does not answer in max_read_time is called too
// slow, with the setting that bounds it.
func TestAReadThatRunsOutOfTimeSaysTheAPIIsTooSlow(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{Latency: time.Minute})
	failsWith(t, `
provider "guance" {
  endpoint      = "`+sim.URL()+`"
  access_token  = "`+guancesim.DefaultToken+`"
  max_read_time = "1s"
}
`+billingConfig("", "2024-03-01", "2024-03-01"), "the API is too slow", "1s over 1 attempt brought no complete answer", "max_read_time")
}

// Terraform validates the dates before a read; the read still refuses a bad period itself,
// on the attribute at fault.
func TestReadRefusesABadPeriodOnTheAttributeAtFault(t *testing.T) {
	t.Parallel()
	for attr, dates := range map[string][2]string{"start_date": {"2024-02-30", "2024-03-01"}, "end_date": {"2024-03-02", "2024-03-01"}} {
		_, diags := parseBillingQuery(configValue(t, detailsConfig{
			StartDate: types.StringValue(dates[0]), EndDate: types.StringValue(dates[1]),
			IncludeRecords: types.BoolNull(), ProductDetails: set(), Measurements: set(), WorkspaceUUIDs: set(),
		}))
		if len(diags) != 1 || diags[0].Summary() != "Invalid billing period" {
			t.Fatalf("%s: %v", attr, diags)
		}
		if withPath, ok := diags[0].(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root(attr)) {
			t.Errorf("%s: the diagnostic points at %v", attr, diags[0])
		}
	}
}

// The framework's own Read, which the protocol server's fast read bypasses, gives the same
// state: served without the wrapper, the golden day reads the same.
func TestBillingDetailsThroughTheFrameworksOwnReadGivesTheSameState(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"guance": providerserver.NewProtocol6WithError(&guanceProvider{version: "test", tuneClient: fastRetries}),
		},
		Steps: []resource.TestStep{{
			Config: billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"),
			ConfigStateChecks: []statecheck.StateCheck{
				expect(at("records"), knownvalue.ListSizeExact(8)),
				expect(at("records", 0, "billing_result"), knownvalue.NumberExact(num("1648.52"))),
				expect(at("records", 0, "deduction_amount"), knownvalue.Null()),
				expect(at("records", 0, "workspace_name"), knownvalue.StringExact("生产环境")),
				expect(at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
				expect(at("totals_by_date", "2024-03-01"), knownvalue.NumberExact(num("3291.58"))),
			},
		}},
	})
}

// Each filter value that no record of the period has is a warning on its attribute, naming
// the value in its summary, so that Terraform folds none away, and the billed values nearest
// to it in its detail; values that match are not.
func TestFilterValuesThatMatchNothingAreWarningsWithTheNearestBilledValues(t *testing.T) {
	t.Parallel()
	state, diags := readBillingDetails(context.Background(), simData(t), configValue(t, detailsConfig{
		StartDate: types.StringValue("2024-03-01"), EndDate: types.StringValue("2024-03-01"), IncludeRecords: types.BoolValue(false),
		ProductDetails: set("Log", "Logs", "session replay", "Kubernetes"), Measurements: set("loging"), WorkspaceUUIDs: set("wksp_other"),
	}))
	if diags.HasError() || state.IsNull() {
		t.Fatal(diags)
	}
	const goesOn = "\n\nThe plan goes on, since the item may not have been billed yet; if it is a typo, correct it, or the totals it selects stay 0."
	want := []struct{ attr, value, detail string }{
		{"product_details", "Kubernetes", `product_details holds "Kubernetes", but no record billed from 2024-03-01 to 2024-03-01 has it as its product_detail, so it keeps nothing. ` +
			`The values billed (the attribute billed_product_details lists them) are "APM Trace", "Data Forward", "Log", "Metric", "RUM PV", "Security Check", "Session Replay", "Synthetic Test".` + goesOn},
		{"product_details", "Logs", `product_details holds "Logs", but no record billed from 2024-03-01 to 2024-03-01 has it as its product_detail, so it keeps nothing. Did you mean "Log"?` + goesOn},
		{"product_details", "session replay", `product_details holds "session replay", but no record billed from 2024-03-01 to 2024-03-01 has it as its product_detail, so it keeps nothing. Did you mean "Session Replay"?` + goesOn},
		{"measurements", "loging", `measurements holds "loging", but no record billed from 2024-03-01 to 2024-03-01 has it as its measurement, so it keeps nothing. Did you mean "logging"?` + goesOn},
		{"workspace_uuids", "wksp_other", `workspace_uuids holds "wksp_other", but no record billed from 2024-03-01 to 2024-03-01 has it as its workspace_uuid, so it keeps nothing. ` +
			`The values billed are "` + guancesim.WorkspaceUUID + `".` + goesOn},
	}
	if len(diags) != len(want) {
		t.Fatalf("%d diagnostics, want %d: %v", len(diags), len(want), diags)
	}
	for i, w := range want {
		d := diags[i]
		withPath, _ := d.(diag.DiagnosticWithPath)
		if d.Severity() != diag.SeverityWarning || d.Summary() != `Filter value "`+w.value+`" matches no billed record` || d.Detail() != w.detail ||
			withPath == nil || !withPath.Path().Equal(path.Root(w.attr)) {
			t.Errorf("diagnostic %d: %s %q on %v:\n%s\nwant a warning on %s:\n%s", i, d.Severity(), d.Summary(), withPath, d.Detail(), w.attr, w.detail)
		}
	}
}

// With nothing billed in the period, a filter value cannot be near anything.
func TestFilterValueInAPeriodWithoutRecordsSaysNothingWasBilled(t *testing.T) {
	t.Parallel()
	_, diags := readBillingDetails(context.Background(), simData(t), configValue(t, detailsConfig{
		StartDate: types.StringValue("2022-05-01"), EndDate: types.StringValue("2022-05-31"), IncludeRecords: types.BoolNull(),
		ProductDetails: set("Log"), Measurements: set(), WorkspaceUUIDs: set(),
	}))
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), `"Log", but no record billed from 2022-05-01 to 2022-05-31 has it as its product_detail, so it keeps nothing. Nothing was billed in the period.`) {
		t.Errorf("diagnostics %v", diags)
	}
}

// The billed lists are the period's values before filtering, sorted, so a configuration can
// check its own filters and budget keys; the warnings reach Terraform's output, one per
// misspelt value under a summary of its own, which Terraform does not fold together.
func TestBilledListsComeBeforeFiltersAndTyposReachTerraformAsWarnings(t *testing.T) {
	logs := traceLogs(t)
	sim := newSim(t, guancesim.Options{})
	readsAs(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-01"
  product_details = ["Logs", "Metrik"]
}
`,
		expect(at("total_billing_result"), knownvalue.NumberExact(num("0"))),
		expect(at("billed_product_details"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("APM Trace"), knownvalue.StringExact("Data Forward"), knownvalue.StringExact("Log"),
			knownvalue.StringExact("Metric"), knownvalue.StringExact("RUM PV"), knownvalue.StringExact("Security Check"),
			knownvalue.StringExact("Session Replay"), knownvalue.StringExact("Synthetic Test"),
		})),
		expect(at("billed_measurements"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("data_forward"), knownvalue.StringExact("dialing_task"), knownvalue.StringExact("logging"),
			knownvalue.StringExact("rum"), knownvalue.StringExact("security"), knownvalue.StringExact("session_replay"),
			knownvalue.StringExact("time_series"), knownvalue.StringExact("tracing"),
		})),
		expect(at("product_totals"), knownvalue.MapSizeExact(0)),
	)
	log := logs()
	for _, want := range []string{
		`Filter value \"Logs\" matches no billed record`, `product_details holds "Logs"`, `Did you mean "Log"?`,
		`Filter value \"Metrik\" matches no billed record`, `Did you mean "Metric"?`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
}

// A read across a year boundary sums each calendar month exactly.
func TestBillingDetailsTotalsByMonthAcrossAYearBoundary(t *testing.T) {
	t.Parallel()
	dec, jan := simSpend(t, "2023-12-01", "2023-12-31"), simSpend(t, "2024-01-01", "2024-01-31")
	feb := simSpend(t, "2024-02-01", "2024-02-10")
	sim := newSim(t, guancesim.Options{})
	readsAs(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2023-12-01"
  end_date        = "2024-02-10"
  include_records = false
}
`,
		expect(at("totals_by_month"), knownvalue.MapExact(map[string]knownvalue.Check{
			"2023-12": knownvalue.NumberExact(num(dec.totalText())),
			"2024-01": knownvalue.NumberExact(num(jan.totalText())),
			"2024-02": knownvalue.NumberExact(num(feb.totalText())),
		})),
		expect(at("totals_by_month", "2023-12"), knownvalue.NumberExact(num("72127.66"))),
	)
}

// Per product, every amount: the golden day's Log and Session Replay, a discount being
// origin_amount - billing_result; deductions the API sent as "None" count as 0.
func TestBillingDetailsProductTotalsSumEveryAmountPerProduct(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	product := func(billed, origin, deduction, count string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"billing_result": knownvalue.NumberExact(num(billed)), "origin_amount": knownvalue.NumberExact(num(origin)),
			"deduction_amount": knownvalue.NumberExact(num(deduction)), "count": knownvalue.NumberExact(num(count)),
		})
	}
	readsAs(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-02"
  include_records = false
  product_details = ["Log", "Session Replay"]
}
`,
		expect(at("product_totals"), knownvalue.MapExact(map[string]knownvalue.Check{
			"Log":            product("3138.26", "3138.264", "0", "261522"),
			"Session Replay": product("220.40", "220.4", "0", "2204"),
		})),
		expect(at("totals_by_product", "Log"), knownvalue.NumberExact(num("3138.26"))),
	)
}

// Billed to three workspaces, the month's billing_result is summed exactly per
// workspace_uuid, and a workspace filter keeps its own entry only.
func TestBillingDetailsTotalsByWorkspaceSumEachWorkspaceExactly(t *testing.T) {
	t.Parallel()
	opts := guancesim.Options{Workspaces: 3}
	byWorkspace := simSpendOf(t, opts, "2024-03-01", "2024-03-31").byWorkspace
	ids := guancesim.WorkspaceUUIDs(3)
	want := map[string]knownvalue.Check{}
	for _, id := range ids {
		want[id] = knownvalue.NumberExact(num(decimalText(byWorkspace[id])))
	}
	sim := newSim(t, opts)
	readsAs(t, simProvider(sim)+`
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  include_records = false
}
data "guance_billing_details" "second" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  include_records = false
  workspace_uuids = ["`+ids[1]+`"]
}
`,
		expect(at("totals_by_workspace"), knownvalue.MapExact(want)),
		statecheck.ExpectKnownValue("data.guance_billing_details.second", tfjsonpath.New("totals_by_workspace"),
			knownvalue.MapExact(map[string]knownvalue.Check{ids[1]: want[ids[1]]})),
	)
}
