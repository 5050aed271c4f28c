package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// functionTest runs steps with the provider served in-process on a Terraform that has
// provider-defined functions (1.8 and later). No access token is set: the function needs
// none, and OpenTofu, unlike Terraform, configures the provider before calling it, which
// must then succeed (make test-tofu).
func functionTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps:                    steps,
	})
}

// periodOutput is a configuration whose output "period" calls billing_period with args.
func periodOutput(args ...string) string {
	return fmt.Sprintf(`
output "period" {
  value = provider::guance::billing_period(%s)
}
`, strings.Join(args, ", "))
}

var dayPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func periodValue(start, end string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"start_date": knownvalue.StringExact(start),
		"end_date":   knownvalue.StringExact(end),
	})
}

func expectPeriod(start, end string) statecheck.StateCheck {
	return statecheck.ExpectKnownOutputValue("period", periodValue(start, end))
}

// 2024-02-29T20:00:00Z is already 2024-03-01 in UTC+8, the default billing zone.
func TestBillingPeriodTakesTheDayInUTCPlus8ByDefault(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args       []string
		start, end string
	}{
		"month_to_date crosses into March":        {[]string{`"month_to_date"`, `"2024-02-29T20:00:00Z"`}, "2024-03-01", "2024-03-01"},
		"last_month is the leap February":         {[]string{`"last_month"`, `"2024-02-29T20:00:00Z"`}, "2024-02-01", "2024-02-29"},
		"the same instant written in UTC+8":       {[]string{`"today"`, `"2024-03-01T04:00:00+08:00"`}, "2024-03-01", "2024-03-01"},
		"just before midnight in UTC+8":           {[]string{`"today"`, `"2024-02-29T15:59:59Z"`}, "2024-02-29", "2024-02-29"},
		"last_month on 1 January is December":     {[]string{`"last_month"`, `"2023-12-31T16:00:00Z"`}, "2023-12-01", "2023-12-31"},
		"year_to_date on 1 January":               {[]string{`"year_to_date"`, `"2023-12-31T16:00:00Z"`}, "2024-01-01", "2024-01-01"},
		"last_7_days ends yesterday":              {[]string{`"last_7_days"`, `"2024-03-03T12:00:00Z"`}, "2024-02-25", "2024-03-02"},
		"last_30_days ends yesterday":             {[]string{`"last_30_days"`, `"2023-03-15T12:00:00Z"`}, "2023-02-13", "2023-03-14"},
		"a time zone argument moves the day back": {[]string{`"month_to_date"`, `"2024-02-29T20:00:00Z"`, `"UTC"`}, "2024-02-01", "2024-02-29"},
		"a negative offset":                       {[]string{`"yesterday"`, `"2024-03-01T02:00:00Z"`, `"-05:00"`}, "2024-02-28", "2024-02-28"},
		"an IANA zone with summer time":           {[]string{`"today"`, `"2024-11-04T07:59:00Z"`, `"America/Los_Angeles"`}, "2024-11-03", "2024-11-03"},
		"month runs to the month's last day":      {[]string{`"month"`, `"2024-02-29T20:00:00Z"`}, "2024-03-01", "2024-03-31"},
		"quarter is the whole quarter":            {[]string{`"quarter"`, `"2024-05-20"`}, "2024-04-01", "2024-06-30"},
		"year is the whole year":                  {[]string{`"year"`, `"2024-12-31T16:00:00Z"`}, "2025-01-01", "2025-12-31"},
		"last_12_months ends with last month":     {[]string{`"last_12_months"`, `"2024-03-15"`}, "2023-03-01", "2024-02-29"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			functionTest(t, resource.TestStep{
				Config:            periodOutput(tc.args...),
				ConfigStateChecks: []statecheck.StateCheck{expectPeriod(tc.start, tc.end)},
			})
		})
	}
}

// A plain date is the billing day itself: the zone cannot move it, so a replayed day such as
// a cost guard's as_of needs no timestamp arithmetic.
func TestBillingPeriodTakesAPlainDateAsThatBillingDay(t *testing.T) {
	t.Parallel()
	functionTest(t, resource.TestStep{
		Config: `
output "default_zone" {
  value = provider::guance::billing_period("month_to_date", "2024-03-15")
}
output "far_west" {
  value = provider::guance::billing_period("month_to_date", "2024-03-15", "-14:00")
}
output "far_east" {
  value = provider::guance::billing_period("last_month", "2024-03-01", "+14:00")
}
output "compact" {
  value = provider::guance::billing_period("yesterday", "20240301", "UTC")
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("default_zone", periodValue("2024-03-01", "2024-03-15")),
			statecheck.ExpectKnownOutputValue("far_west", periodValue("2024-03-01", "2024-03-15")),
			statecheck.ExpectKnownOutputValue("far_east", periodValue("2024-02-01", "2024-02-29")),
			statecheck.ExpectKnownOutputValue("compact", periodValue("2024-02-29", "2024-02-29")),
		},
	})
}

// plantimestamp() is known while planning, so the period is too: the plan itself holds it.
func TestBillingPeriodOfPlanTimestampIsKnownAtPlan(t *testing.T) {
	t.Parallel()
	functionTest(t, resource.TestStep{
		Config: `
output "month_starts_on_the_first" {
  value = endswith(provider::guance::billing_period("month_to_date", plantimestamp()).start_date, "-01")
}
`,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectKnownOutputValue("month_starts_on_the_first", knownvalue.Bool(true)),
		}},
	})
}

// Every bad argument fails the plan with the parameter named, the value quoted and what to
// write instead.
func TestBillingPeriodRefusesBadArguments(t *testing.T) {
	t.Parallel()
	kinds := []string{"today", "yesterday", "last_7_days", "last_30_days", "month_to_date", "last_month",
		"quarter_to_date", "last_quarter", "year_to_date", "last_year", "month", "quarter", "year", "last_12_months"}
	cases := map[string]struct {
		args []string
		want []string
	}{
		"unknown kind": {[]string{`"monthly"`, `"2024-03-01T00:00:00Z"`},
			append([]string{`Invalid value for "kind" parameter`, `"monthly" is not a billing period kind (did you mean "month"?); use one of`}, kinds...)},
		"kind in the wrong case": {[]string{`"Last_Month"`, `"2024-03-01T00:00:00Z"`},
			[]string{`"kind" parameter`, `"Last_Month" is not a billing period kind (did you mean "last_month" or "month"?)`}},
		"an offset without its padding": {[]string{`"today"`, `"2024-03-01T00:00:00Z"`, `"+8:00"`},
			[]string{`"time_zone" parameter`, `"+8:00" is not a UTC offset (did you mean "+08:00"?)`}},
		"a date without its dashes' padding": {[]string{`"last_month"`, `"2024-3-1"`},
			[]string{`Invalid value for "at" parameter`, `"2024-3-1" is neither a date nor an RFC 3339 timestamp`, "2024-03-01T08:00:00Z", "plantimestamp()"}},
		"an impossible day": {[]string{`"last_month"`, `"2023-02-29"`},
			[]string{`"at" parameter`, `"2023-02-29" is neither a date nor an RFC 3339 timestamp`}},
		"an impossible instant": {[]string{`"last_month"`, `"2023-02-29T00:00:00Z"`},
			[]string{`"at" parameter`, `"2023-02-29T00:00:00Z" is neither a date nor an RFC 3339 timestamp`}},
		"an unknown zone": {[]string{`"today"`, `"2024-03-01T00:00:00Z"`, `"Asia/Nowhere"`},
			[]string{`Invalid value for "time_zone" parameter`, `"Asia/Nowhere" is not a time zone`, "+08:00", "Europe/Berlin"}},
		"an offset out of range": {[]string{`"today"`, `"2024-03-01T00:00:00Z"`, `"+15:00"`},
			[]string{`"time_zone" parameter`, `"+15:00" is not a UTC offset`, "-14:00 to +14:00"}},
		"past the year 9999": {[]string{`"today"`, `"9999-12-31T20:00:00Z"`},
			[]string{`"at" parameter`, `the today period around "9999-12-31T20:00:00Z" runs outside the years 0001 to 9999`}},
		"two zones": {[]string{`"today"`, `"2024-03-01T00:00:00Z"`, `"UTC"`, `"+08:00"`},
			[]string{`at most one time_zone may follow kind and at; got 2 (["UTC" "+08:00"]): keep one`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			functionTest(t, resource.TestStep{
				Config:      periodOutput(tc.args...),
				ExpectError: errorLike(tc.want...),
			})
		})
	}
}

// The function's value goes straight into guance_billing_details: last month at a moment in
// April 2024 is March 2024, whose exact total the simulator defines.
func TestBillingPeriodFeedsBillingDetails(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	functionTest(t, resource.TestStep{
		Config: simProvider(sim) + `
locals {
  period = provider::guance::billing_period("last_month", "2024-04-15T09:30:00Z")
}

data "guance_billing_details" "test" {
  start_date = local.period.start_date
  end_date   = local.period.end_date
}
`,
		// Read while planning: a read left for apply would show in the plan.
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		ConfigStateChecks: []statecheck.StateCheck{
			expect(at("start_date"), knownvalue.StringExact("2024-03-01")),
			expect(at("end_date"), knownvalue.StringExact("2024-03-31")),
			expect(at("records"), knownvalue.ListSizeExact(248)),
			expect(at("total_billing_result"), knownvalue.NumberExact(num("80527.10"))),
		},
	})
}

// The documentation's example plans against the simulator, period and all.
func TestBillingPeriodExamplePlans(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	functionTest(t, resource.TestStep{
		Config: exampleConfig(t, sim, "functions/billing_period/function.tf"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("last_month", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"start_date": knownvalue.StringRegexp(dayPattern),
				"end_date":   knownvalue.StringRegexp(dayPattern),
			})),
		},
	})
	if n := sim.Requests(); n == 0 {
		t.Error("the example read no billing")
	}
}
