package provider

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ datasource.DataSourceWithConfigure        = (*billingBudgetDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*billingBudgetDataSource)(nil)
)

type billingBudgetDataSource struct {
	periodDataSource
}

func newBillingBudgetDataSource() datasource.DataSource { return &billingBudgetDataSource{} }

type billingBudgetModel struct {
	forecastPeriodModel
	Name                  types.String `tfsdk:"name"`
	Amount                types.Number `tfsdk:"amount"`
	ProductAmounts        types.Map    `tfsdk:"product_amounts"`
	Thresholds            types.List   `tfsdk:"thresholds"`
	DailyLimits           types.Map    `tfsdk:"daily_limits"`
	DailyLimitAction      types.String `tfsdk:"daily_limit_action"`
	MinRunwayDays         types.Number `tfsdk:"min_runway_days"`
	ActualBillingResult   types.Number `tfsdk:"actual_billing_result"`
	ForecastBillingResult types.Number `tfsdk:"forecast_billing_result"`
	DailyRunRate          types.Number `tfsdk:"daily_run_rate"`
	TotalsByDate          types.Map    `tfsdk:"totals_by_date"`
	ActualPercent         types.Number `tfsdk:"actual_percent"`
	ForecastPercent       types.Number `tfsdk:"forecast_percent"`
	PreviousBillingResult types.Number `tfsdk:"previous_billing_result"`
	ChangePercent         types.Number `tfsdk:"change_percent"`
	ByProduct             types.Map    `tfsdk:"by_product"`
	Balance               types.Number `tfsdk:"balance"`
	RunwayDays            types.Number `tfsdk:"runway_days"`
	Findings              types.List   `tfsdk:"findings"`
	Status                types.String `tfsdk:"status"`
	BlockMessage          types.String `tfsdk:"block_message"`
	WarnMessage           types.String `tfsdk:"warn_message"`
}

// thresholdModel is one element of thresholds.
type thresholdModel struct {
	Percent types.Number `tfsdk:"percent"`
	Basis   types.String `tfsdk:"basis"`
	Action  types.String `tfsdk:"action"`
}

var (
	thresholdType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"percent": types.NumberType, "basis": types.StringType, "action": types.StringType,
	}}
	productBudgetType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"actual": types.NumberType, "forecast": types.NumberType, "amount": types.NumberType, "actual_percent": types.NumberType,
		"forecast_percent": types.NumberType, "previous": types.NumberType, "status": types.StringType,
	}}
	findingType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"action": types.StringType, "basis": types.StringType, "scope": types.StringType, "value": types.NumberType,
		"limit": types.NumberType, "percent": types.NumberType, "message": types.StringType,
	}}
)

// defaultThreshold is the one threshold a budget has unless told otherwise: block at 100% of
// the actual bill.
var defaultThreshold = thresholdModel{
	Percent: types.NumberValue(exactNumber("100")), Basis: types.StringValue(guance.BasisActual), Action: types.StringValue(guance.ActionBlock),
}

func (d *billingBudgetDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_billing_budget"
}

func (d *billingBudgetDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	number := func(description string) schema.NumberAttribute {
		return schema.NumberAttribute{MarkdownDescription: description, Computed: true}
	}
	percentNote := " In percent, rounded once to " + fmt.Sprint(guance.DivisionPlaces) + " decimal places, half away from zero."
	resp.Schema = schema.Schema{
		MarkdownDescription: "A budget decided while planning: what a period has cost and where it is heading, against an " +
			"amount for the whole period and for each product, with graded thresholds (warn, block) on the actual or " +
			"the forecast bill, a limit on each product's latest complete day, and the days the balance lasts. The " +
			"decision is `status` (`ok`, `warn` or `block`) with its `findings` and messages; a postcondition on " +
			"`self.status` blocks a plan, and the OPA recipe and `guance-cost-summary` read the same decision from " +
			"the plan. One billing request per read: the compared days of the period before and the elapsed days of " +
			"this one, as one range. Sums are exact; each division is rounded once, to " + fmt.Sprint(guance.DivisionPlaces) +
			" decimal places, half away from zero, and every comparison is exact.",
		Attributes: withForecastPeriod(map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "A label for the budget, in its messages and in the cost summary.",
				Optional:            true,
			},
			"amount": schema.NumberAttribute{
				MarkdownDescription: "The budget for the whole period, `start_date` to `end_date`, in the currency the site " +
					"bills in; more than 0. Optional when `product_amounts`, `daily_limits` or `min_runway_days` are set.",
				Optional:   true,
				Validators: []validator.Number{budgetAmountValidator},
			},
			"product_amounts": schema.MapAttribute{
				MarkdownDescription: "Budgets for the period per `product_detail` (such as `Log`), each more than 0, judged by " +
					"the same `thresholds`. A key that names no product billed in the days read gets a warning with the " +
					"nearest billed names.",
				ElementType: types.NumberType,
				Optional:    true,
				Validators:  []validator.Map{mapvalidator.ValueNumbersAre(budgetAmountValidator)},
			},
			"thresholds": schema.ListNestedAttribute{
				MarkdownDescription: "When a budget (`amount`, and each of `product_amounts`) calls for action: a threshold " +
					"fires when its basis reaches `percent`% of the amount (value × 100 ≥ percent × amount, exactly). " +
					"Defaults to one: `{ percent = 100, basis = \"actual\", action = \"block\" }`.",
				Optional: true,
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"percent": schema.NumberAttribute{
						MarkdownDescription: "The share of the amount, in percent, more than 0; over 100 is allowed.",
						Required:            true,
						Validators:          []validator.Number{percentValidator},
					},
					"basis": schema.StringAttribute{
						MarkdownDescription: "`actual`: what the elapsed days cost (`actual_billing_result`); `forecast`: " +
							"`forecast_billing_result`, which never fires before a day has elapsed.",
						Required:   true,
						Validators: []validator.String{stringvalidator.OneOf(guance.ThresholdBases...)},
					},
					"action": schema.StringAttribute{
						MarkdownDescription: "`warn` or `block`.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.OneOf(guance.Actions...)},
					},
				}},
			},
			"daily_limits": schema.MapAttribute{
				MarkdownDescription: "Limits per `product_detail` on the latest complete day's bill, `min(as_of, end_date)`, " +
					"each 0 or more, as the Guance console's alert on one billed item's daily bill: a product whose day " +
					"cost more than its limit is a finding of `daily_limit_action`. Unknown keys are warned of as in " +
					"`product_amounts`.",
				ElementType: types.NumberType,
				Optional:    true,
				Validators:  []validator.Map{mapvalidator.ValueNumbersAre(dailyLimitValidator)},
			},
			"daily_limit_action": schema.StringAttribute{
				MarkdownDescription: "What a product over its daily limit calls for: `warn` (the default) or `block`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(guance.Actions...)},
			},
			"min_runway_days": schema.NumberAttribute{
				MarkdownDescription: "The fewest days the account balance must last at `daily_run_rate`, a whole number, at least 1. When set, " +
					"the balance is read too (one request per run), and a `runway_days` below it is a `block` finding.",
				Optional:   true,
				Validators: []validator.Number{wholeNumber{min: 1, max: math.MaxInt32}},
			},
			"actual_billing_result": number("The exact sum of `billing_result` from `start_date` to `min(as_of, end_date)`, as " +
				"in `guance_billing_forecast`; 0 when no day has elapsed."),
			"forecast_billing_result": number("`actual_billing_result + daily_run_rate × days remaining`, as in " +
				"`guance_billing_forecast`; null when no day has elapsed."),
			"daily_run_rate": number("The mean daily bill of the last `lookback_days` elapsed days, as in " +
				"`guance_billing_forecast`; null when no day has elapsed." + roundingNote),
			"totals_by_date": schema.MapAttribute{
				MarkdownDescription: "The exact sum of `billing_result` per elapsed day of this period, `start_date` to " +
					"`min(as_of, end_date)`, as in `guance_billing_forecast`; the days of the period before are not in it. " +
					"Keys are `YYYY-MM-DD`; days without records are absent, and the map is empty when no day has elapsed.",
				ElementType: types.NumberType,
				Computed:    true,
			},
			"actual_percent": number("`actual_billing_result` as a percentage of `amount`; null without `amount`." + percentNote),
			"forecast_percent": number("`forecast_billing_result` as a percentage of `amount`; null without `amount` or a " +
				"forecast." + percentNote),
			"previous_billing_result": number("The exact bill of the same number of elapsed days from the start of the period " +
				"before: for a period of whole calendar months, as many calendar months before (March compares with " +
				"February's first days, cut at February's end); for any other period, the same number of days just " +
				"before it. Null when no day has elapsed."),
			"change_percent": number("The change from `previous_billing_result` to `actual_billing_result`, in percent of " +
				"the former; null when the period before cost nothing (or no day has elapsed)." + percentNote),
			"by_product": schema.MapNestedAttribute{
				MarkdownDescription: "The decision per `product_detail`: every product billed in the days read, and every key of " +
					"`product_amounts` and `daily_limits`.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"actual":           number("What the product's elapsed days cost."),
					"forecast":         number("The product's forecast, as `forecast_by_product` of `guance_billing_forecast`."),
					"amount":           number("Its budget from `product_amounts`; null without one."),
					"actual_percent":   number("`actual` as a percentage of `amount`."),
					"forecast_percent": number("`forecast` as a percentage of `amount`."),
					"previous":         number("What the product cost in the compared days of the period before."),
					"status": schema.StringAttribute{
						MarkdownDescription: "The highest action among the product's findings: `ok`, `warn` or `block`.",
						Computed:            true,
					},
				}},
			},
			"balance": number("The account's total balance (cash, coupons and stored-value cards), when `min_runway_days` is " +
				"set; null otherwise."),
			"runway_days": number("How many days `balance` lasts at `daily_run_rate`; null when the runway is not asked for " +
				"or the run rate is 0." + roundingNote),
			"findings": schema.ListNestedAttribute{
				MarkdownDescription: "What calls for action, in order: the total's thresholds, each product's (by name), the " +
					"daily limits, the runway.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"action": schema.StringAttribute{MarkdownDescription: "`warn` or `block`.", Computed: true},
					"basis": schema.StringAttribute{
						MarkdownDescription: "`actual`, `forecast`, `daily` (a daily limit) or `runway`.", Computed: true,
					},
					"scope": schema.StringAttribute{
						MarkdownDescription: "`total`, or the `product_detail` it is about.", Computed: true,
					},
					"value":   number("What was measured: an amount, or days of runway."),
					"limit":   number("What it was held to: the threshold's share of the amount, the daily limit, or `min_runway_days`."),
					"percent": number("`value` as a percentage of the budget's amount (of the limit for `daily` and `runway`)."),
					"message": schema.StringAttribute{
						MarkdownDescription: "The finding for a person: money to 2 decimals with the provider's `currency`, " +
							"percentages to 1.",
						Computed: true,
					},
				}},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The decision: the highest action among `findings`, `ok` when there is none.",
				Computed:            true,
			},
			"block_message": schema.StringAttribute{
				MarkdownDescription: "The `block` findings' messages, one per line; null when there is none.",
				Computed:            true,
			},
			"warn_message": schema.StringAttribute{
				MarkdownDescription: "The `warn` findings' messages, one per line; null when there is none.",
				Computed:            true,
			},
		}),
	}
}

func (d *billingBudgetDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		periodOrderValidator{},
		datasourcevalidator.AtLeastOneOf(path.MatchRoot("amount"), path.MatchRoot("product_amounts"),
			path.MatchRoot("daily_limits"), path.MatchRoot("min_runway_days")),
	}
}

func (d *billingBudgetDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	client, diags := d.data.readyClient()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	var m billingBudgetModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	spec, ok := d.budgetSpec(ctx, &m, &resp.Diagnostics)
	if !ok {
		return
	}
	var records []*guance.BillingRecord
	if period, ok := spec.Read(); ok {
		details, diags := d.data.readPeriod(ctx, client, period)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		resp.Diagnostics.Append(unbilledKeyWarnings(period, details.Billed().ProductDetails, spec)...)
		records = details.Select(guance.Filter{})
	}
	var balance *guance.Balance
	if !spec.MinRunwayDays.IsNull() {
		var err error
		if balance, err = client.BillingBalance(ctx); err != nil {
			resp.Diagnostics.Append(d.data.readError("Could not read the Guance account balance", err))
			return
		}
		resp.Diagnostics.Append(pacingDiagnostics(ctx, "the account balance", balance.Pacing)...)
	}
	setBudget(&m, guance.DecideBudget(spec, records, balance))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// budgetSpec takes the decision's inputs from the configuration, which the schema's
// validators have checked, filling in the defaults the state then shows.
func (d *billingBudgetDataSource) budgetSpec(ctx context.Context, m *billingBudgetModel, diags *diag.Diagnostics) (guance.BudgetSpec, bool) {
	forecast, ok := d.data.forecastSpec(&m.forecastPeriodModel, diags)
	if !ok {
		return guance.BudgetSpec{}, false
	}
	spec := guance.BudgetSpec{Forecast: forecast, Name: m.Name.ValueString(), Currency: d.data.currency, DailyLimitAction: guance.ActionWarn}
	if !m.DailyLimitAction.IsNull() {
		spec.DailyLimitAction = m.DailyLimitAction.ValueString()
	}
	if m.Thresholds.IsNull() {
		m.Thresholds = types.ListValueMust(thresholdType, []attr.Value{types.ObjectValueMust(thresholdType.AttrTypes, map[string]attr.Value{
			"percent": defaultThreshold.Percent, "basis": defaultThreshold.Basis, "action": defaultThreshold.Action,
		})})
	}
	var thresholds []thresholdModel
	if diags.Append(m.Thresholds.ElementsAs(ctx, &thresholds, false)...); diags.HasError() {
		return spec, false
	}
	numbers := numberReader{diags: diags}
	spec.Amount = numbers.decimal(path.Root("amount"), m.Amount)
	for i, t := range thresholds {
		spec.Thresholds = append(spec.Thresholds, guance.Threshold{
			Percent: numbers.decimal(path.Root("thresholds").AtListIndex(i).AtName("percent"), t.Percent),
			Basis:   t.Basis.ValueString(), Action: t.Action.ValueString(),
		})
	}
	spec.ProductAmounts = numbers.decimalMap(ctx, path.Root("product_amounts"), m.ProductAmounts)
	spec.DailyLimits = numbers.decimalMap(ctx, path.Root("daily_limits"), m.DailyLimits)
	if !m.MinRunwayDays.IsNull() {
		spec.MinRunwayDays = numbers.decimal(path.Root("min_runway_days"), m.MinRunwayDays)
	}
	return spec, !diags.HasError()
}

// numberReader turns configured numbers into exact decimals, adding an error on the attribute
// for one that has no decimal form (which Terraform's numbers always have).
type numberReader struct{ diags *diag.Diagnostics }

func (r numberReader) decimal(p path.Path, n types.Number) guance.Decimal {
	if n.IsNull() || n.IsUnknown() {
		return guance.Decimal{}
	}
	d, err := guance.ParseDecimal(n.ValueBigFloat().Text('f', -1))
	if err != nil {
		r.diags.AddAttributeError(p, "Invalid number", fmt.Sprintf("%s: %s; write a plain decimal such as 1500 or 99.5.", p, err))
	}
	return d
}

func (r numberReader) decimalMap(ctx context.Context, p path.Path, m types.Map) map[string]guance.Decimal {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	var numbers map[string]types.Number
	if r.diags.Append(m.ElementsAs(ctx, &numbers, false)...); r.diags.HasError() {
		return nil
	}
	out := make(map[string]guance.Decimal, len(numbers))
	for k, n := range numbers {
		out[k] = r.decimal(p.AtMapKey(k), n)
	}
	return out
}

// unbilledKeyWarnings warns of each product key of the budget that names no product billed in
// the days read: its budget or limit would never fire. It warns rather than fails, since the
// product may not have been billed yet.
func unbilledKeyWarnings(period guance.Period, billed []string, spec guance.BudgetSpec) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, attribute := range []struct {
		name string
		keys map[string]guance.Decimal
	}{{"product_amounts", spec.ProductAmounts}, {"daily_limits", spec.DailyLimits}} {
		for _, key := range slices.Sorted(maps.Keys(attribute.keys)) {
			if slices.Contains(billed, key) {
				continue
			}
			diags.AddAttributeWarning(path.Root(attribute.name).AtMapKey(key), "Budget key matches no billed product",
				fmt.Sprintf("%s holds %q, but no product billed from %s is named so: its budget never fires. %s\n\n"+
					"The plan goes on, since the product may not have been billed yet; if it is a typo, correct it.",
					attribute.name, key, period, hint(key, billed, "")))
		}
	}
	return diags
}

// setBudget puts a decision in the model's computed attributes.
func setBudget(m *billingBudgetModel, d guance.BudgetDecision) {
	f := d.Forecast
	m.ActualBillingResult, m.ForecastBillingResult, m.DailyRunRate = decimalValue(f.Actual), decimalValue(f.Forecast), decimalValue(f.DailyRunRate)
	m.TotalsByDate = numberMapValue(f.ByDate)
	m.ActualPercent, m.ForecastPercent = decimalValue(d.ActualPercent), decimalValue(d.ForecastPercent)
	m.PreviousBillingResult, m.ChangePercent = decimalValue(d.Previous), decimalValue(d.ChangePercent)
	m.Balance, m.RunwayDays = decimalValue(d.Balance), decimalValue(d.RunwayDays)
	products := make(map[string]attr.Value, len(d.ByProduct))
	for name, p := range d.ByProduct {
		products[name] = types.ObjectValueMust(productBudgetType.AttrTypes, map[string]attr.Value{
			"actual": decimalValue(p.Actual), "forecast": decimalValue(p.Forecast), "amount": decimalValue(p.Amount),
			"actual_percent": decimalValue(p.ActualPercent), "forecast_percent": decimalValue(p.ForecastPercent),
			"previous": decimalValue(p.Previous), "status": types.StringValue(p.Status),
		})
	}
	m.ByProduct = types.MapValueMust(productBudgetType, products)
	findings := make([]attr.Value, len(d.Findings))
	for i, f := range d.Findings {
		findings[i] = types.ObjectValueMust(findingType.AttrTypes, map[string]attr.Value{
			"action": types.StringValue(f.Action), "basis": types.StringValue(f.Basis), "scope": types.StringValue(f.Scope),
			"value": decimalValue(f.Value), "limit": decimalValue(f.Limit), "percent": decimalValue(f.Percent),
			"message": types.StringValue(f.Message),
		})
	}
	m.Findings = types.ListValueMust(findingType, findings)
	m.Status = types.StringValue(d.Status)
	m.BlockMessage, m.WarnMessage = messageValue(d.Messages(guance.ActionBlock)), messageValue(d.Messages(guance.ActionWarn))
}

// messageValue is a message, null when there is none.
func messageValue(s string) types.String {
	if strings.TrimSpace(s) == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
