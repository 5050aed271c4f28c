package provider

import (
	"context"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

var (
	_ datasource.DataSourceWithConfigure        = (*billingForecastDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*billingForecastDataSource)(nil)
)

// defaultLookbackDays is how many days the run rate looks back over unless told otherwise.
const defaultLookbackDays = 7

type billingForecastDataSource struct {
	periodDataSource
}

func newBillingForecastDataSource() datasource.DataSource { return &billingForecastDataSource{} }

// forecastPeriodModel is the period a forecast looks at and how: the inputs that
// guance_billing_forecast and guance_billing_budget share.
type forecastPeriodModel struct {
	StartDate    types.String `tfsdk:"start_date"`
	EndDate      types.String `tfsdk:"end_date"`
	AsOf         types.String `tfsdk:"as_of"`
	LookbackDays types.Number `tfsdk:"lookback_days"`
	TimeZone     types.String `tfsdk:"time_zone"`
}

type billingForecastModel struct {
	forecastPeriodModel
	ActualBillingResult    types.Number `tfsdk:"actual_billing_result"`
	DaysElapsed            types.Int64  `tfsdk:"days_elapsed"`
	DaysRemaining          types.Int64  `tfsdk:"days_remaining"`
	DailyRunRate           types.Number `tfsdk:"daily_run_rate"`
	ForecastBillingResult  types.Number `tfsdk:"forecast_billing_result"`
	ForecastByProduct      types.Map    `tfsdk:"forecast_by_product"`
	LatestDayBillingResult types.Number `tfsdk:"latest_day_billing_result"`
	LatestDayRatio         types.Number `tfsdk:"latest_day_ratio"`
	TotalsByDate           types.Map    `tfsdk:"totals_by_date"`
}

func (d *billingForecastDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_billing_forecast"
}

// roundingNote is the forecast's one rounding rule, for the attributes that divide.
var roundingNote = fmt.Sprintf(" The division is exact, then rounded once to %d decimal places, half away from zero.", guance.DivisionPlaces)

func (d *billingForecastDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	number := func(description string) schema.NumberAttribute {
		return schema.NumberAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Where a period's bill is heading: what its complete days have cost, and what the whole period " +
			"will cost if the last `lookback_days` days' mean daily bill (the run rate) holds for the days left. Also the " +
			"spike signal: the latest complete day against the days before it. It reads `start_date` to " +
			"`min(as_of, end_date)` once, sharing the request with a `guance_billing_details` read of the same days. " +
			"Sums and products are exact decimals; each division is rounded once, to " +
			fmt.Sprint(guance.DivisionPlaces) + " decimal places, half away from zero.",
		Attributes: withForecastPeriod(map[string]schema.Attribute{
			"actual_billing_result": number("The exact sum of `billing_result` from `start_date` to `min(as_of, end_date)`: what " +
				"the elapsed days cost. 0 when none has elapsed."),
			"days_elapsed": schema.Int64Attribute{
				MarkdownDescription: "How many days of the period are read: `start_date` to `min(as_of, end_date)`; 0 when " +
					"`as_of` is before `start_date`.",
				Computed: true,
			},
			"days_remaining": schema.Int64Attribute{
				MarkdownDescription: "How many days of the period are forecast, after `as_of`; 0 when the period is over.",
				Computed:            true,
			},
			"daily_run_rate": number("The mean daily `billing_result` over the last `lookback_days` elapsed days (over every " +
				"elapsed day when fewer have elapsed); a day without records counts as 0. Null when no day has elapsed." +
				roundingNote),
			"forecast_billing_result": number("`actual_billing_result + daily_run_rate × days_remaining`, exactly: what the " +
				"period costs by its end if the run rate holds. Equal to `actual_billing_result` when the period is over. " +
				"Null when no day has elapsed."),
			"forecast_by_product": schema.MapAttribute{
				MarkdownDescription: "The same forecast per `product_detail`: each product's elapsed cost plus its own run rate " +
					"(rounded as `daily_run_rate`) × `days_remaining`. A product billed in the period but not in the " +
					"lookback days is forecast at what it has cost. Records without a `product_detail` are under `\"\"`. " +
					"Null when no day has elapsed.",
				ElementType: types.NumberType,
				Computed:    true,
			},
			"latest_day_billing_result": number("The exact `billing_result` of the last elapsed day, `min(as_of, end_date)`; 0 " +
				"when it has no records. Null when no day has elapsed."),
			"latest_day_ratio": number("The spike signal: `latest_day_billing_result` divided by the mean daily " +
				"`billing_result` of up to `lookback_days` days before it in the period, so 3 means the latest day cost three " +
				"times the recent mean. Null when there is nothing to compare with: no day of the period before the latest " +
				"one, or a mean of those days that is 0 (or negative)." + roundingNote),
			"totals_by_date": schema.MapAttribute{
				MarkdownDescription: "The exact sum of `billing_result` per elapsed day, as in `guance_billing_details`. Keys are " +
					"`YYYY-MM-DD`; days without records are absent.",
				ElementType: types.NumberType,
				Computed:    true,
			},
		}),
	}
}

// withForecastPeriod adds the inputs of forecastPeriodModel to a schema's attributes.
func withForecastPeriod(attributes map[string]schema.Attribute) map[string]schema.Attribute {
	details := billingDetailsSchema()
	for name, a := range map[string]schema.Attribute{
		"start_date": details.Attributes["start_date"],
		"end_date": schema.StringAttribute{
			MarkdownDescription: "The last day of the period, inclusive, as `YYYY-MM-DD` or `YYYYMMDD`: the day the forecast " +
				"runs to, typically the month's last day, which may lie in the future.",
			Required:   true,
			Validators: []validator.String{dateValidator},
		},
		"as_of": schema.StringAttribute{
			MarkdownDescription: "The last complete billing day, as `YYYY-MM-DD` or `YYYYMMDD`: the days up to it are read, the " +
				"days after it are forecast. Defaults to the day before today's billing day in `time_zone`, by the clock " +
				"of the machine that plans; the state then holds that day as `YYYY-MM-DD`. Today is not complete, so it " +
				"is never read by default, and a warning comes when the last day read, `min(as_of, end_date)`, is today or " +
				"later. When `as_of` is before " +
				"`start_date`, no day of the period has elapsed: nothing is read, `actual_billing_result` is 0, " +
				"and every attribute that needs a rate is null (see those).",
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{dateValidator},
		},
		"lookback_days": schema.NumberAttribute{
			MarkdownDescription: fmt.Sprintf("How many of the last elapsed days the run rate averages, a whole number, at least 1; "+
				"defaults to %d. When fewer days of the period have elapsed, the run rate averages those.", defaultLookbackDays),
			Optional:   true,
			Validators: []validator.Number{wholeNumber{min: 1, max: math.MaxInt32}},
		},
		"time_zone": schema.StringAttribute{
			MarkdownDescription: "The time zone whose calendar day is the billing day, for the default `as_of`: a UTC offset " +
				"`±HH:MM` or an IANA zone name such as `UTC`. Defaults to `" + guance.DefaultBillingZoneName + "` (UTC+8), " +
				"as in the `billing_period` function.",
			Optional:   true,
			Validators: []validator.String{timeZoneValidator},
		},
	} {
		attributes[name] = a
	}
	return attributes
}

func (d *billingForecastDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	client, diags := d.data.readyClient()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	var m billingForecastModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	spec, ok := d.data.forecastSpec(&m.forecastPeriodModel, &resp.Diagnostics)
	if !ok {
		return
	}
	var records []*guance.BillingRecord
	if elapsed, ok := spec.Elapsed(); ok {
		details, diags := d.data.readPeriod(ctx, client, elapsed)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		records = details.Select(guance.Filter{})
	}
	setForecast(&m, guance.NewForecast(spec, records))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// forecastSpec takes the period, as_of (filling in its default) and the lookback from the
// configuration, which the schema's validators have checked already.
func (d *providerData) forecastSpec(m *forecastPeriodModel, diags *diag.Diagnostics) (guance.ForecastSpec, bool) {
	spec := guance.ForecastSpec{LookbackDays: defaultLookbackDays}
	var err error
	if spec.Period, err = periodOf(m.StartDate.ValueString(), m.EndDate.ValueString()); err != nil {
		diags.Append(periodDiagnostic(m.StartDate.ValueString(), err))
		return spec, false
	}
	if !m.LookbackDays.IsNull() {
		spec.LookbackDays = int(wholeNumberValue(m.LookbackDays))
	}
	zone := guance.DefaultBillingZone
	if !m.TimeZone.IsNull() {
		if zone, err = guance.ParseBillingZone(m.TimeZone.ValueString()); err != nil {
			diags.AddAttributeError(path.Root("time_zone"), "Invalid time zone", err.Error())
			return spec, false
		}
	}
	today := guance.BillingDay(d.now(), zone)
	if m.AsOf.IsNull() || m.AsOf.IsUnknown() {
		spec.AsOf = today.AddDays(-1)
		m.AsOf = types.StringValue(spec.AsOf.String())
		return spec, true
	}
	if spec.AsOf, err = guance.ParseDate(m.AsOf.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("as_of"), "Invalid date", "as_of: "+err.Error())
		return spec, false
	}
	// Only the days read can be incomplete: an as_of past end_date reads up to end_date, and
	// one before start_date reads nothing.
	if read, ok := spec.Elapsed(); ok && !read.End.Before(today) {
		readTo := ""
		if read.End != spec.AsOf {
			readTo = fmt.Sprintf(", after end_date, so the days read run to %s", read.End)
		}
		diags.AddAttributeWarning(path.Root("as_of"), "as_of is not a complete billing day",
			fmt.Sprintf("as_of is %s%s, but today's billing day (in %s) is %s: the days from today on are still being billed, so "+
				"what is read of them is incomplete and the forecast runs low. Leave as_of out to read up to yesterday.",
				m.AsOf.ValueString(), readTo, zone, today))
	}
	return spec, true
}

// setForecast puts a forecast in the model's computed attributes; the values that need a rate
// are null when the forecast has none.
func setForecast(m *billingForecastModel, f guance.Forecast) {
	m.ActualBillingResult = decimalValue(f.Actual)
	m.DaysElapsed, m.DaysRemaining = types.Int64Value(int64(f.DaysElapsed)), types.Int64Value(int64(f.DaysRemaining))
	m.DailyRunRate, m.ForecastBillingResult = decimalValue(f.DailyRunRate), decimalValue(f.Forecast)
	m.LatestDayBillingResult, m.LatestDayRatio = decimalValue(f.LatestDay), decimalValue(f.LatestDayRatio)
	m.TotalsByDate, m.ForecastByProduct = numberMapValue(f.ByDate), numberMapValue(f.ByProduct)
}

// numberMapValue is a map(number), null for a nil map.
func numberMapValue(m map[string]guance.Decimal) types.Map {
	if m == nil {
		return types.MapNull(types.NumberType)
	}
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = decimalValue(v)
	}
	return types.MapValueMust(types.NumberType, elems)
}
