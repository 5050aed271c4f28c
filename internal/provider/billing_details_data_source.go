package provider

import (
	"context"
	"errors"
	"fmt"

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
	_ datasource.DataSourceWithConfigure        = (*billingDetailsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*billingDetailsDataSource)(nil)
)

type billingDetailsDataSource struct {
	data *providerData
}

func newBillingDetailsDataSource() datasource.DataSource { return &billingDetailsDataSource{} }

type billingDetailsModel struct {
	StartDate          types.String `tfsdk:"start_date"`
	EndDate            types.String `tfsdk:"end_date"`
	Records            types.List   `tfsdk:"records"`
	TotalBillingResult types.Number `tfsdk:"total_billing_result"`
	TotalOriginAmount  types.Number `tfsdk:"total_origin_amount"`
	TotalsByProduct    types.Map    `tfsdk:"totals_by_product"`
}

func (d *billingDetailsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_billing_details"
}

func (d *billingDetailsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	recordAttrs := make(map[string]schema.Attribute, len(recordFields))
	for _, f := range recordFields {
		recordAttrs[f.name] = f.schemaAttribute()
	}
	dateAttr := func(which string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "The " + which + " day of the period, inclusive, as `YYYY-MM-DD` or `YYYYMMDD`; a real calendar date. " +
				"Days are the Guance site's billing days.",
			Required:   true,
			Validators: []validator.String{dateValidator},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The billing records of the workspace over a period of days (`GET /api/v1/billing/detail/list`), " +
			"with exact-decimal totals. Amounts keep the exact decimal the API sent; absent values (the API's `\"None\"`, " +
			"`null` or `\"\"`) are null.",
		Attributes: map[string]schema.Attribute{
			"start_date": dateAttr("first"),
			"end_date":   dateAttr("last"),
			"records": schema.ListNestedAttribute{
				MarkdownDescription: "Every billing record of the period, in the API's order: one billed item on one day.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: recordAttrs},
			},
			"total_billing_result": schema.NumberAttribute{
				MarkdownDescription: "The exact sum of `billing_result` over `records` (null amounts count as 0; 0 when there are no records).",
				Computed:            true,
			},
			"total_origin_amount": schema.NumberAttribute{
				MarkdownDescription: "The exact sum of `origin_amount` over `records` (null amounts count as 0; 0 when there are no records).",
				Computed:            true,
			},
			"totals_by_product": schema.MapAttribute{
				MarkdownDescription: "The exact sum of `billing_result` per `product_detail`. Records without a `product_detail` are summed under the key `\"\"`.",
				ElementType:         types.NumberType,
				Computed:            true,
			},
		},
	}
}

func (d *billingDetailsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{periodOrderValidator{}}
}

func (d *billingDetailsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *billingDetailsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg billingDetailsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := d.data.readyClient()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	period, err := periodOf(cfg.StartDate.ValueString(), cfg.EndDate.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("end_date"), "Invalid billing period", err.Error())
		return
	}
	details, err := client.BillingDetails(ctx, period)
	if err != nil {
		resp.Diagnostics.Append(clientErrorDiagnostic("Could not read Guance billing for "+period.String(), err))
		return
	}
	for _, w := range details.Warnings {
		resp.Diagnostics.AddWarning("Guance billing record outside the period", w)
	}
	state, diags := billingDetailsState(cfg, details)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// billingDetailsState builds the data source's state from the configured dates and the answer.
func billingDetailsState(cfg billingDetailsModel, details *guance.BillingDetails) (billingDetailsModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	records := make([]attr.Value, len(details.Records))
	for i := range details.Records {
		obj, d := types.ObjectValue(recordAttrTypes, recordValues(&details.Records[i]))
		diags.Append(d...)
		records[i] = obj
	}
	list, d := types.ListValue(types.ObjectType{AttrTypes: recordAttrTypes}, records)
	diags.Append(d...)
	totals := details.Totals()
	byProduct := make(map[string]attr.Value, len(totals.ByProduct))
	for product, sum := range totals.ByProduct {
		byProduct[product] = types.NumberValue(exactNumber(sum.String()))
	}
	productMap, d := types.MapValue(types.NumberType, byProduct)
	diags.Append(d...)
	return billingDetailsModel{
		StartDate:          cfg.StartDate,
		EndDate:            cfg.EndDate,
		Records:            list,
		TotalBillingResult: types.NumberValue(exactNumber(totals.BillingResult.String())),
		TotalOriginAmount:  types.NumberValue(exactNumber(totals.OriginAmount.String())),
		TotalsByProduct:    productMap,
	}, diags
}

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
	if err != nil {
		return guance.Period{}, fmt.Errorf("%w: end_date %q is before start_date %q; the period is inclusive, so end_date may equal start_date but not precede it", errEndBeforeStart, end, start)
	}
	return p, nil
}

var errEndBeforeStart = errors.New("the period ends before it starts")

// periodOrderValidator refuses an end_date before start_date as soon as both are known.
type periodOrderValidator struct{}

func (periodOrderValidator) Description(context.Context) string {
	return "end_date must not be before start_date"
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
	if _, err := periodOf(start.ValueString(), end.ValueString()); errors.Is(err, errEndBeforeStart) {
		resp.Diagnostics.AddAttributeError(path.Root("end_date"), "Invalid billing period", err.Error())
	}
}

func isKnownString(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
