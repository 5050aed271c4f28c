package provider

import (
	"context"
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

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

var (
	_ datasource.DataSourceWithConfigure        = (*billingDetailsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*billingDetailsDataSource)(nil)
)

const billingDetailsTypeName = "guance_billing_details"

type billingDetailsDataSource struct {
	periodDataSource
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
	s := schema.Schema{
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
		},
	}
	for _, t := range periodTotals {
		s.Attributes[t.name] = schema.NumberAttribute{
			MarkdownDescription: "The exact sum of `" + t.field + "` over the period's records, filters applied (null amounts " +
				"count as 0; 0 when there are no records). Computed even when `include_records` is false.",
			Computed: true,
		}
	}
	for _, g := range groupedTotals {
		s.Attributes[g.name] = schema.MapAttribute{
			MarkdownDescription: "The exact sum of `billing_result` per `" + g.over + "`, filters applied." + g.note,
			ElementType:         types.NumberType,
			Computed:            true,
		}
	}
	productAttrs := make(map[string]schema.Attribute, len(productSums))
	for _, p := range productSums {
		productAttrs[p.field] = schema.NumberAttribute{
			MarkdownDescription: "The exact sum of the records' `" + p.field + "`: " + p.what + ".",
			Computed:            true,
		}
	}
	s.Attributes["product_totals"] = schema.MapNestedAttribute{
		MarkdownDescription: "Every amount summed per `product_detail`, filters applied: what the item cost, its list " +
			"price, its deductions and its usage, each an exact sum (null amounts count as 0), so that a discount is " +
			"`origin_amount - billing_result` without summing records." + unnamedKey("product_detail"),
		Computed:     true,
		NestedObject: schema.NestedAttributeObject{Attributes: productAttrs},
	}
	for _, b := range billedLists {
		// It lists what the period billed, so a configuration can check its own filters and
		// budget keys against it.
		s.Attributes[b.name] = schema.ListAttribute{
			MarkdownDescription: "Every distinct `" + b.field + "` billed in the period, sorted, before any filter is applied " +
				"(records without one add nothing). Check budget keys and `" + b.filter + "` against it: a value that is not " +
				"here matches nothing.",
			ElementType: types.StringType,
			Computed:    true,
		}
	}
	return s
}

// Read serves the data source through the framework. The fast wing (server.go) answers
// Terraform's reads of this data source itself from the same state tree, readBillingDetails.
func (d *billingDetailsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := readBillingDetails(ctx, d.data, req.Config.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	value, err := state.ToTerraform(req.Config.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Could not build the state", "Building the billing state failed: "+err.Error()+
			". This is a bug in the provider; please report it.")
		return
	}
	resp.State.Raw = value
}

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
