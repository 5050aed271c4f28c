package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

var (
	_ datasource.DataSourceWithConfigure        = (*billingDetailsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*billingDetailsDataSource)(nil)
)

const billingDetailsTypeName = "guance_billing_details"

type billingDetailsDataSource struct {
	data *providerData
}

func newBillingDetailsDataSource() datasource.DataSource { return &billingDetailsDataSource{} }

func (d *billingDetailsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_billing_details"
}

func (d *billingDetailsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = billingDetailsSchema()
}

// billingDetailsSchema is the data source's schema; the state writer follows its attributes.
func billingDetailsSchema() schema.Schema {
	recordAttrs := make(map[string]schema.Attribute, len(recordFields))
	for _, f := range recordFields {
		recordAttrs[f.name] = f.schemaAttribute()
	}
	dateAttr := func(which string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "The " + which + " day of the period, inclusive, as `YYYY-MM-DD` or `YYYYMMDD`; a real calendar date. " +
				"Days are the Guance site's billing days. " + longestPeriod,
			Required:   true,
			Validators: []validator.String{dateValidator},
		}
	}
	filterAttr := func(what, field string) schema.SetAttribute {
		return schema.SetAttribute{
			MarkdownDescription: "Keep only the records whose `" + field + "` is one of these " + what + " (at least one; leave the " +
				"attribute out to keep every record). Records and every total " +
				"then cover the kept records only; records without a `" + field + "` are dropped. Filtering happens in the " +
				"provider (the API has no filter), so it makes state smaller but not the request.",
			ElementType: types.StringType,
			Optional:    true,
			Validators:  []validator.Set{nonEmptyFilter{}},
		}
	}
	sumAttr := func(over string) schema.NumberAttribute {
		return schema.NumberAttribute{
			MarkdownDescription: "The exact sum of `" + over + "` over the period's records, filters applied (null amounts count " +
				"as 0; 0 when there are no records). Computed even when `include_records` is false.",
			Computed: true,
		}
	}
	sumsBy := func(key, note string) schema.MapAttribute {
		return schema.MapAttribute{
			MarkdownDescription: "The exact sum of `billing_result` per `" + key + "`, filters applied." + note,
			ElementType:         types.NumberType,
			Computed:            true,
		}
	}
	unnamed := func(key string) string {
		return " Records without a `" + key + "` are summed under the key `\"\"`."
	}
	return schema.Schema{
		MarkdownDescription: "The billing records of the workspace over a period of days (`GET /api/v1/billing/detail/list`), " +
			"with exact-decimal totals. Amounts keep the exact decimal the API sent; absent values (the API's `\"None\"`, " +
			"`null` or `\"\"`) are null. Reads of the same period in one run share one API request.",
		Attributes: map[string]schema.Attribute{
			"start_date": dateAttr("first"),
			"end_date":   dateAttr("last"),
			"include_records": schema.BoolAttribute{
				MarkdownDescription: "Whether to return `records`. Defaults to true. Set it to false when only totals are needed: " +
					"`records` is then null, every total is still exact, and a plan over a long period is much faster and its " +
					"state much smaller.",
				Optional: true,
			},
			"product_details": filterAttr("billed items", "product_detail"),
			"measurements":    filterAttr("measurements", "measurement"),
			"workspace_uuids": filterAttr("workspace IDs", "workspace_uuid"),
			"records": schema.ListNestedAttribute{
				MarkdownDescription: "Every billing record of the period, filters applied, in the API's order: one billed item " +
					"on one day. Null when `include_records` is false.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: recordAttrs},
			},
			"total_billing_result":  sumAttr("billing_result"),
			"total_origin_amount":   sumAttr("origin_amount"),
			"totals_by_product":     sumsBy("product_detail", unnamed("product_detail")),
			"totals_by_date":        sumsBy("date", " Keys are `YYYY-MM-DD`; days without records are absent."),
			"totals_by_measurement": sumsBy("measurement", unnamed("measurement")),
			"totals_by_month": sumsBy("month", " Keys are `YYYY-MM`, the calendar months of the records' days; months without "+
				"records are absent. A year's trend month by month costs one read."),
			"product_totals": schema.MapNestedAttribute{
				MarkdownDescription: "Every amount summed per `product_detail`, filters applied: what the item cost, its list " +
					"price, its deductions and its usage, each an exact sum (null amounts count as 0), so that a discount is " +
					"`origin_amount - billing_result` without summing records." + unnamed("product_detail"),
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"billing_result":   productSum("billing_result", "what the item cost; equal to its entry in `totals_by_product`"),
					"origin_amount":    productSum("origin_amount", "its original (list) price"),
					"deduction_amount": productSum("deduction_amount", "its deductions"),
					"count":            productSum("count", "the quantity used, in the item's own unit"),
				}},
			},
			"billed_product_details": billedAttr("product_detail", "product_details"),
			"billed_measurements":    billedAttr("measurement", "measurements"),
		},
	}
}

func productSum(field, what string) schema.NumberAttribute {
	return schema.NumberAttribute{
		MarkdownDescription: "The exact sum of the records' `" + field + "`: " + what + ".",
		Computed:            true,
	}
}

// billedAttr lists what the period billed, so a configuration can check its own filters and
// budget keys against it.
func billedAttr(field, filter string) schema.ListAttribute {
	return schema.ListAttribute{
		MarkdownDescription: "Every distinct `" + field + "` billed in the period, sorted, before any filter is applied " +
			"(records without one add nothing). Check budget keys and `" + filter + "` against it: a value that is not " +
			"here matches nothing.",
		ElementType: types.StringType,
		Computed:    true,
	}
}

func (d *billingDetailsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{periodOrderValidator{}}
}

func (d *billingDetailsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read serves the data source through the framework. The provider's protocol server answers
// Terraform's reads of this data source itself (see fastReadServer); both go through read.
func (d *billingDetailsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	typ := req.Config.Schema.Type().TerraformType(ctx)
	state, diags := readBillingDetails(ctx, d.data, req.Config.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	value, err := (&tfprotov6.DynamicValue{MsgPack: state}).Unmarshal(typ)
	if err != nil {
		resp.Diagnostics.AddError("Could not build the state", err.Error())
		return
	}
	resp.State.Raw = value
}

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

// unmatchedFilterWarnings warns of each filter value that no record of the period has, each in
// a warning of its own summary, with
// the billed values nearest to it: a misspelt filter would otherwise keep nothing and total
// 0 in silence. It warns rather than fails, since an item may simply not be billed yet.
func unmatchedFilterWarnings(q billingQuery, billed guance.Billed) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range []struct {
		attr, field, billedAttr string
		values                  map[string]bool
		billed                  []string
	}{
		{"product_details", "product_detail", "billed_product_details", q.filter.ProductDetails, billed.ProductDetails},
		{"measurements", "measurement", "billed_measurements", q.filter.Measurements, billed.Measurements},
		{"workspace_uuids", "workspace_uuid", "", q.filter.WorkspaceUUIDs, billed.WorkspaceUUIDs},
	} {
		for _, value := range slices.Sorted(maps.Keys(f.values)) {
			if slices.Contains(f.billed, value) {
				continue
			}
			// The value is in the summary: Terraform folds warnings that share one into the
			// first ("and one more similar warning elsewhere"), which would hide the others' hints.
			diags.AddAttributeWarning(path.Root(f.attr), fmt.Sprintf("Filter value %q matches no billed record", value),
				fmt.Sprintf("%s holds %q, but no record billed from %s has it as its %s, so it keeps nothing. %s\n\n"+
					"The plan goes on, since the item may not have been billed yet; if it is a typo, correct it, or the "+
					"totals it selects stay 0.", f.attr, value, q.period, f.field, hint(value, f.billed, f.billedAttr)))
		}
	}
	return diags
}

// hint names the billed values nearest to value, or says what was billed.
func hint(value string, billed []string, billedAttr string) string {
	listed := ""
	if billedAttr != "" {
		listed = " (the attribute " + billedAttr + " lists them)"
	}
	if len(billed) == 0 {
		return "Nothing was billed in the period."
	}
	if near := guance.Nearest(value, billed); len(near) > 0 {
		return "Did you mean " + quotedOr(near) + "?"
	}
	const most = 10
	if len(billed) > most {
		return fmt.Sprintf("None of the %d values billed%s is near it; the first %d are %s.", len(billed), listed, most, quotedList(billed[:most]))
	}
	return "The values billed" + listed + " are " + quotedList(billed) + "."
}

// quotedOr writes "a", "b" or "c".
func quotedOr(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func quotedList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
