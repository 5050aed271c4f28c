package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

var _ function.Function = (*billingPeriodFunction)(nil)

// billingPeriodFunction turns a timestamp into the dates of a named billing period, so that a
// configuration gets a period known at plan time without date arithmetic in HCL.
type billingPeriodFunction struct{}

func newBillingPeriodFunction() function.Function { return &billingPeriodFunction{} }

// billingPeriodResult is the function's value, shaped for guance_billing_details.
type billingPeriodResult struct {
	StartDate string `tfsdk:"start_date"`
	EndDate   string `tfsdk:"end_date"`
}

func (f *billingPeriodFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "billing_period"
}

func (f *billingPeriodFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	kinds := make([]string, len(guance.PeriodKinds))
	for i, k := range guance.PeriodKinds {
		kinds[i] = fmt.Sprintf("- `%s`: %s.", k.Name, k.Description)
	}
	resp.Definition = function.Definition{
		Summary: "The first and last day of a billing period, such as last month, around a timestamp",
		MarkdownDescription: "Returns an object with `start_date` and `end_date`, both `YYYY-MM-DD` and inclusive, ready for " +
			"`guance_billing_details`. With `at = plantimestamp()` the period is known while planning, so a guard decides " +
			"before anything is applied. Needs Terraform 1.8 or later, or OpenTofu 1.8 or later.\n\n" +
			"Days are billing days. A plain date `at`, such as `2024-03-15`, is that billing day itself. A timestamp `at` is " +
			"taken as an instant and turned into the calendar day it falls on in the " +
			"billing time zone, by default UTC+8 (China Standard Time), the day Guance's China sites bill by. The offset " +
			"`at` is written with only fixes the instant: `2024-02-29T20:00:00Z` is 2024-03-01 in UTC+8, so " +
			"`month_to_date` at that instant is 2024-03-01 to 2024-03-01. \"Today\" below is that billing day.\n\n" +
			"Kinds ending today include the day in progress, whose bill may still grow; the `last_…` kinds and " +
			"`yesterday` cover only days that are over, so two runs on the same day read the same complete days. " +
			"`month`, `quarter` and `year` are whole calendar periods, future days included, for " +
			"`guance_billing_forecast` and `guance_billing_budget`, which read the days up to `as_of` and forecast " +
			"the rest:\n\n" +
			strings.Join(kinds, "\n"),
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "kind",
				MarkdownDescription: "The period: one of " + codeList(guance.PeriodKindNames()) + ".",
			},
			function.StringParameter{
				Name: "at",
				MarkdownDescription: "An RFC 3339 timestamp, such as `2024-03-01T08:00:00Z` or `2024-03-01T16:00:00+08:00`, " +
					"typically `plantimestamp()`; or a plain billing day, `YYYY-MM-DD`, which is that day itself in any time zone.",
			},
		},
		VariadicParameter: function.StringParameter{
			Name: "time_zone",
			MarkdownDescription: "Optional, at most one: the time zone whose calendar day is the billing day, as a UTC offset " +
				"`±HH:MM` or an IANA zone name such as `UTC` or `Europe/Berlin`. Defaults to `" + guance.DefaultBillingZoneName +
				"` (UTC+8); set it for a site or private deployment that bills by another zone's day.",
		},
		Return: function.ObjectReturn{AttributeTypes: map[string]attr.Type{
			"start_date": types.StringType,
			"end_date":   types.StringType,
		}},
	}
}

// Argument positions, for errors that point at the argument to fix.
const (
	kindArgument int64 = iota
	atArgument
	timeZoneArgument
)

func (f *billingPeriodFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var kindName, atText string
	var zones []string
	if resp.Error = req.Arguments.Get(ctx, &kindName, &atText, &zones); resp.Error != nil {
		return
	}
	kind, err := guance.LookupPeriodKind(kindName)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(kindArgument, err.Error())
		return
	}
	zone := guance.DefaultBillingZone
	switch len(zones) {
	case 0:
	case 1:
		if zone, err = guance.ParseBillingZone(zones[0]); err != nil {
			resp.Error = function.NewArgumentFuncError(timeZoneArgument, err.Error())
			return
		}
	default:
		resp.Error = function.NewArgumentFuncError(timeZoneArgument+1, fmt.Sprintf(
			"at most one time_zone may follow kind and at; got %d (%q): keep one", len(zones), zones))
		return
	}
	today, err := guance.ParseBillingDay(atText, zone)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(atArgument, err.Error())
		return
	}
	period := kind.Around(today)
	if period.Start.Year < 1 || period.End.Year > 9999 {
		resp.Error = function.NewArgumentFuncError(atArgument, fmt.Sprintf(
			"the %s period around %q runs outside the years 0001 to 9999, which dates cannot be written in", kind.Name, atText))
		return
	}
	resp.Error = resp.Result.Set(ctx, billingPeriodResult{StartDate: period.Start.String(), EndDate: period.End.String()})
}

// codeList writes names as Markdown code, comma separated.
func codeList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}
