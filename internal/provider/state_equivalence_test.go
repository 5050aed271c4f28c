package provider

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// frameworkState builds the state the idiomatic way, State.Set on a model, and marshals it
// as the framework would send it.
func frameworkState(t testing.TB, cfg frameworkModel, records []*guance.BillingRecord, includeRecords bool, billed guance.Billed) []byte {
	t.Helper()
	ctx := context.Background()
	attrTypes := map[string]attr.Type{}
	for _, f := range recordFields {
		attrTypes[f.name] = types.StringType
		if f.number != nil {
			attrTypes[f.name] = types.NumberType
		}
	}
	objType := types.ObjectType{AttrTypes: attrTypes}
	cfg.Records = types.ListNull(objType)
	if includeRecords {
		values := make([]attr.Value, len(records))
		for i, r := range records {
			fields := map[string]attr.Value{}
			for _, f := range recordFields {
				if f.number != nil {
					fields[f.name] = decimalValue(f.number(r))
				} else if text := f.text(r); text.IsNull() {
					fields[f.name] = types.StringNull()
				} else {
					fields[f.name] = types.StringValue(text.Value())
				}
			}
			values[i] = types.ObjectValueMust(attrTypes, fields)
		}
		cfg.Records = types.ListValueMust(objType, values)
	}
	totals := guance.Sum(records)
	numberMap := numberMapValue
	cfg.TotalBillingResult = types.NumberValue(exactNumber(totals.BillingResult.String()))
	cfg.TotalOriginAmount = types.NumberValue(exactNumber(totals.OriginAmount.String()))
	cfg.TotalsByProduct, cfg.TotalsByDate, cfg.TotalsByMeasurement = numberMap(totals.ByProduct), numberMap(totals.ByDate), numberMap(totals.ByMeasurement)
	cfg.TotalsByMonth = numberMap(totals.ByMonth)
	products := map[string]attr.Value{}
	for name, p := range totals.Products {
		products[name] = types.ObjectValueMust(productTotalsType.AttrTypes, map[string]attr.Value{
			"billing_result":   types.NumberValue(exactNumber(p.BillingResult.String())),
			"origin_amount":    types.NumberValue(exactNumber(p.OriginAmount.String())),
			"deduction_amount": types.NumberValue(exactNumber(p.DeductionAmount.String())),
			"count":            types.NumberValue(exactNumber(p.Count.String())),
		})
	}
	cfg.ProductTotals = types.MapValueMust(productTotalsType, products)
	stringList := func(values []string) types.List {
		elems := make([]attr.Value, len(values))
		for i, v := range values {
			elems[i] = types.StringValue(v)
		}
		return types.ListValueMust(types.StringType, elems)
	}
	cfg.BilledProducts, cfg.BilledMeasurements = stringList(billed.ProductDetails), stringList(billed.Measurements)

	state := tfsdk.State{Schema: billingDetailsSchema()}
	if diags := state.Set(ctx, &cfg); diags.HasError() {
		t.Fatal(diags)
	}
	b, err := tfprotov6.NewDynamicValue(state.Schema.Type().TerraformType(ctx), state.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return b.MsgPack
}

func readBoth(t *testing.T, cfg frameworkModel) (written, reference []byte) {
	t.Helper()
	data := simData(t)
	written, diags := readBillingDetails(context.Background(), data, configValue(t, cfg))
	if diags.HasError() {
		t.Fatal(diags)
	}
	q, diags := parseBillingQuery(configValue(t, cfg))
	if diags.HasError() {
		t.Fatal(diags)
	}
	details, err := data.client.BillingDetails(context.Background(), q.period)
	if err != nil {
		t.Fatal(err)
	}
	return written, frameworkState(t, cfg, details.Select(q.filter), q.includeRecords, details.Billed())
}

// With maps of one entry (the framework writes maps in Go's random order) the two states
// are comparable byte for byte.
func TestStateWriterMatchesTheFrameworkByteForByte(t *testing.T) {
	t.Parallel()
	written, reference := readBoth(t, frameworkModel{
		StartDate: types.StringValue("2024-03-01"), EndDate: types.StringValue("20240301"),
		IncludeRecords: types.BoolValue(true), ProductDetails: set("Log"), Measurements: set(), WorkspaceUUIDs: set(guancesim.WorkspaceUUID),
	})
	if !bytes.Equal(written, reference) {
		t.Fatalf("the state writer wrote\n% x\nthe framework writes\n% x", written, reference)
	}
}

// Over a month or two, with many records, None values and multi-entry maps (of numbers and of
// per-product objects), the states are equal values.
func TestStateWriterMatchesTheFrameworkOverAMonth(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]frameworkModel{
		"records": {StartDate: types.StringValue("2023-07-01"), EndDate: types.StringValue("2023-07-31"),
			IncludeRecords: types.BoolNull(), ProductDetails: set(), Measurements: set(), WorkspaceUUIDs: set()},
		"totals only, filtered": {StartDate: types.StringValue("2024-02-01"), EndDate: types.StringValue("2024-02-29"),
			IncludeRecords: types.BoolValue(false), ProductDetails: set("Log", "Metric"), Measurements: set("logging", "time_series", "rum"), WorkspaceUUIDs: set()},
		"totals only, across a year, with filter values that match nothing": {StartDate: types.StringValue("2023-12-01"), EndDate: types.StringValue("2024-01-31"),
			IncludeRecords: types.BoolValue(false), ProductDetails: set("Log", "Logs", "APM Trace"), Measurements: set(), WorkspaceUUIDs: set("wksp_other", guancesim.WorkspaceUUID)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			written, reference := readBoth(t, cfg)
			typ := billingDetailsSchema().Type().TerraformType(context.Background())
			got, err := (&tfprotov6.DynamicValue{MsgPack: written}).Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			want, err := (&tfprotov6.DynamicValue{MsgPack: reference}).Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			if diffs, err := got.Diff(want); err != nil || len(diffs) > 0 {
				t.Fatalf("states differ (%v): %v", err, diffs)
			}
		})
	}
}
