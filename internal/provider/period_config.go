package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// The period every data source reads: start_date and end_date, parsed, ordered and bounded
// the same way by all of them.

// longestPeriod documents guance.MaxPeriodDays on the dates that make a period.
var longestPeriod = fmt.Sprintf("A period is at most %d days (a leap year); a longer one is refused while planning, since the "+
	"API documents no longest period and a longer answer would near the provider's body cap.", guance.MaxPeriodDays)

// periodOf parses the two configured dates into a period.
func periodOf(start, end string) (guance.Period, error) {
	s, err := guance.ParseDate(start)
	if err != nil {
		return guance.Period{}, fmt.Errorf("start_date: %w", err)
	}
	e, err := guance.ParseDate(end)
	if err != nil {
		return guance.Period{}, fmt.Errorf("end_date: %w", err)
	}
	p, err := guance.NewPeriod(s, e)
	if errors.Is(err, guance.ErrPeriodTooLong) {
		return guance.Period{}, err
	}
	if err != nil {
		return guance.Period{}, fmt.Errorf("%w: end_date %q is before start_date %q; the period is inclusive, so end_date may equal start_date but not precede it", errEndBeforeStart, end, start)
	}
	return p, nil
}

var errEndBeforeStart = errors.New("the period ends before it starts")

// periodOrderValidator refuses an end_date before start_date, or a period longer than
// guance.MaxPeriodDays, as soon as both dates are known.
type periodOrderValidator struct{}

func (periodOrderValidator) Description(context.Context) string {
	return fmt.Sprintf("end_date must not be before start_date, and the period must be at most %d days", guance.MaxPeriodDays)
}

func (v periodOrderValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (periodOrderValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var start, end types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("start_date"), &start)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("end_date"), &end)...)
	if !isKnownString(start) || !isKnownString(end) {
		return
	}
	// Malformed dates are reported by the attributes' own validators.
	if _, err := periodOf(start.ValueString(), end.ValueString()); errors.Is(err, errEndBeforeStart) || errors.Is(err, guance.ErrPeriodTooLong) {
		resp.Diagnostics.AddAttributeError(path.Root("end_date"), "Invalid billing period", err.Error())
	}
}

func isKnownString(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// periodDiagnostic reports periodOf's error on the date at fault.
func periodDiagnostic(start string, err error) diag.Diagnostic {
	reason := "The period is not valid."
	if err != nil {
		reason = err.Error()
	}
	attr := "end_date"
	if _, startErr := guance.ParseDate(start); startErr != nil {
		attr = "start_date"
	}
	return diag.NewAttributeErrorDiagnostic(path.Root(attr), "Invalid billing period", reason)
}

// periodDataSource is what every data source of a period shares: the provider's data, and
// the validator of the period's order and length.
type periodDataSource struct {
	data *providerData
}

func (d *periodDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{periodOrderValidator{}}
}

func (d *periodDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// readPeriod reads a period's billing for any data source: a failure is its error; the
// client's pacing, when it made the read wait, and records dated outside the period are
// warnings.
func (d *providerData) readPeriod(ctx context.Context, client *guance.Client, period guance.Period) (*guance.BillingDetails, diag.Diagnostics) {
	var diags diag.Diagnostics
	details, err := client.BillingDetails(ctx, period)
	if err != nil {
		diags.Append(d.readError("Could not read Guance billing for "+period.String(), err))
		return nil, diags
	}
	diags.Append(pacingDiagnostics(ctx, "billing for "+period.String(), details.Pacing)...)
	for _, w := range details.Warnings {
		diags.AddWarning("Guance billing record outside the period", w)
	}
	return details, diags
}
