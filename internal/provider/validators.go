package provider

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// stringCheck adapts a check of a known string to a schema validator; unknown and null values
// pass, since Terraform validates them again once they are known.
type stringCheck struct {
	description string
	summary     string
	check       func(string) error
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("%s: %s", req.Path, err))
	}
}

var (
	regionValidator = stringCheck{
		description: "must be a Guance region name or site code",
		summary:     "Unknown Guance region",
		check:       func(s string) error { _, err := guance.ResolveRegion(s); return err },
	}
	endpointValidator = stringCheck{
		description: "must be an absolute https URL, or http to a loopback host",
		summary:     "Invalid Guance endpoint",
		check:       func(s string) error { _, err := guance.CheckEndpoint(s); return err },
	}
	durationValidator = stringCheck{
		description: "must be a positive duration such as 90s or 5m",
		summary:     "Invalid duration",
		check: func(s string) error {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return fmt.Errorf("%q is not a positive duration; write it like 90s, 5m or 1h30m", s)
			}
			return nil
		},
	}
	sharedReadTTLValidator = stringCheck{
		description: "must be a duration from 0 (off) to " + guance.FormatDuration(guance.MaxSharedReadTTL) + ", such as 60s",
		summary:     "Invalid shared read TTL",
		check:       func(s string) error { _, err := parseSharedReadTTL(s); return err },
	}
	currencyValidator = stringCheck{
		description: "must be " + guance.CurrencyRule,
		summary:     "Invalid currency",
		check:       func(s string) error { _, err := guance.ParseCurrency(s); return err },
	}
	dateValidator = stringCheck{
		description: "must be a calendar date written YYYY-MM-DD or YYYYMMDD",
		summary:     "Invalid date",
		check:       func(s string) error { _, err := guance.ParseDate(s); return err },
	}
)

// parseSharedReadTTL reads shared_read_ttl or its environment variable: 0 (or 0s) turns the
// shared read cache off.
func parseSharedReadTTL(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > guance.MaxSharedReadTTL {
		return 0, fmt.Errorf("%q is not a duration from 0 to %s; write it like 60s or 5m, or 0 to turn the shared read cache off",
			s, guance.FormatDuration(guance.MaxSharedReadTTL))
	}
	return d, nil
}

// nonEmptyFilter refuses an empty filter set. Some read "keep nothing" into it and others "no
// filter", and a guard on totals that silently became 0 would fail open.
type nonEmptyFilter struct{}

func (nonEmptyFilter) Description(context.Context) string {
	return "must hold at least one value; leave the attribute out to keep every record"
}

func (v nonEmptyFilter) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (nonEmptyFilter) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || len(req.ConfigValue.Elements()) > 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty filter", fmt.Sprintf(
		"%s is an empty set, which would keep no record and make every total 0. Leave %s out to keep every "+
			"record, or list the values to keep.", req.Path, req.Path))
}

var timeZoneValidator = stringCheck{
	description: "must be a UTC offset such as +08:00 or an IANA zone name such as UTC",
	summary:     "Invalid time zone",
	check:       func(s string) error { _, err := guance.ParseBillingZone(s); return err },
}

// wholeNumber validates a count: a whole number from min to max. Such attributes are Number
// attributes, not Int64 ones, because Terraform has one number type: an Int64 attribute given
// 2.5 fails in the framework's conversion, before any validator runs, with a message that
// blames the provider. Here the value is checked first and the message names it.
type wholeNumber struct {
	min, max int64
}

func (v wholeNumber) Description(context.Context) string {
	return fmt.Sprintf("must be a whole number from %d to %d", v.min, v.max)
}

func (v wholeNumber) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v wholeNumber) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueBigFloat()
	// Int64 is exact only for a whole number within int64: 2.5 comes back Below, 1e30 Below.
	whole, accuracy := n.Int64()
	if accuracy != big.Exact || whole < v.min || whole > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number",
			fmt.Sprintf("%s is %s; it %s.", req.Path, n.Text('g', -1), v.Description(ctx)))
	}
}

// wholeNumberValue is a count that wholeNumber has validated; 0 when null, for the default.
func wholeNumberValue(n types.Number) int64 {
	if n.IsNull() || n.IsUnknown() {
		return 0
	}
	whole, _ := n.ValueBigFloat().Int64()
	return whole
}

// numberAbove refuses a number below a floor (zero), or at it unless zero is allowed: a
// negative budget or percent would make a guard that never fires, or always does.
type numberAbove struct {
	summary   string
	allowZero bool
	// advice says what to write instead.
	advice string
}

func (v numberAbove) Description(context.Context) string {
	if v.allowZero {
		return "must be 0 or more"
	}
	return "must be more than 0"
}

func (v numberAbove) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v numberAbove) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueBigFloat()
	if n.Sign() > 0 || (v.allowZero && n.Sign() == 0) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, v.summary,
		fmt.Sprintf("%s is %s, but it %s: %s.", req.Path, n.Text('f', -1), v.Description(ctx), v.advice))
}

var (
	budgetAmountValidator = numberAbove{summary: "Invalid budget amount",
		advice: "a budget is the most a period may cost; leave it out to set none"}
	percentValidator = numberAbove{summary: "Invalid threshold percent",
		advice: "a threshold fires when its basis reaches this percent of the amount, so 80 warns from 80%"}
	dailyLimitValidator = numberAbove{summary: "Invalid daily limit", allowZero: true,
		advice: "a daily limit is the most a product's latest complete day may cost"}
)
