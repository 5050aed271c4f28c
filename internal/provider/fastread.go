// This file is the exception of the provider: a hand-written read path for
// guance_billing_details. Read it last; guance_billing_balance is the template for a new
// data source.
//
// Why it exists. Terraform's ReadDataSource for the details data source is answered by a thin
// tfprotov6.ProviderServer around the framework's, which writes the state's msgpack itself.
// The framework would build a read's state as framework values and then walk and copy every
// one of them (null-block reification, semantic equality, copies): for 100k records that is
// 15.5 s and 6.7 GB allocated against 75 ms and 62 MB here (BENCHMARKS.md,
// BenchmarkFrameworkStateSet), and a plan of 100k records could not finish in CI.
//
// What it mirrors. fastReadServer.ReadDataSource does what terraform-plugin-framework's
// protocol server does for a read (unmarshal the configuration with the schema's type, call
// the data source, convert diagnostics); writeBillingState writes what State.Set followed by
// tfprotov6.NewDynamicValue would, using internal/tfmsgpack, which follows
// terraform-plugin-go's tftypes msgpack marshalling (attributes in name order, its number
// encodings). The framework still serves the schemas, validation, configuration and every
// other call, and the data source's own Read goes through readBillingDetails too.
//
// What proves it. state_equivalence_test.go compares this state byte for byte, and as values
// over whole months, with the idiomatic State.Set of a framework model;
// internal/tfmsgpack/writer_test.go compares thousands of numbers with tftypes' encoding;
// TestBillingDetailsThroughTheFrameworksOwnReadGivesTheSameState plans through the
// framework's own server.
//
// How to remove it. Make NewServer return providerserver.NewProtocol6(p); have
// billingDetailsDataSource.Read build the frameworkModel of state_equivalence_test.go and
// State.Set it (frameworkState there shows how); then delete this file, internal/tfmsgpack,
// and guanceProvider.data, which exists only because this server, bypassing the framework's
// ReadDataSource, cannot reach the DataSourceData the framework keeps inside its own
// (internal) server.

package provider

import (
	"context"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/tfmsgpack"
)

// fastReadServer answers ReadDataSource for guance_billing_details by writing the state's
// msgpack itself. The framework would otherwise spend most of a large read after the data
// source's Read returns, walking and copying every value of the state (null-block
// reification, semantic equality, copies): 8.8 s for 100k records.
type fastReadServer struct {
	tfprotov6.ProviderServer
	provider *guanceProvider
	// read is readBillingDetails, or in a test a reader that panics.
	read func(context.Context, *providerData, tftypes.Value) ([]byte, diag.Diagnostics)

	typeOnce sync.Once
	typ      tftypes.Type
}

func newFastReadServer(p *guanceProvider) *fastReadServer {
	return &fastReadServer{ProviderServer: providerserver.NewProtocol6(p)(), provider: p, read: readBillingDetails}
}

// ReadDataSource answers guance_billing_details itself. A panic on this path, which the
// framework would otherwise catch nowhere, becomes an error diagnostic that asks for a bug
// report; its stack goes to the TRACE log only, never to the terminal.
func (s *fastReadServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (resp *tfprotov6.ReadDataSourceResponse, err error) {
	if req.TypeName != billingDetailsTypeName {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	defer func() {
		if recovered := recover(); recovered != nil {
			tflog.Trace(ctx, "The guance provider recovered from a panic while reading guance_billing_details",
				map[string]any{"panic": fmt.Sprint(recovered), "stack": string(debug.Stack())})
			var diags diag.Diagnostics
			diags.AddError("The guance provider failed unexpectedly", "Reading guance_billing_details met an internal "+
				"error (a panic), which the provider caught: nothing of this read reaches the plan. This is a bug in the "+
				"provider; please report it, with the log of a run with TF_LOG=trace, which holds the error's stack.")
			resp, err = &tfprotov6.ReadDataSourceResponse{Diagnostics: protocolDiagnostics(ctx, diags)}, nil
		}
	}()
	s.typeOnce.Do(func() { s.typ = billingDetailsSchema().Type().TerraformType(ctx) })
	resp = &tfprotov6.ReadDataSourceResponse{}
	config, err := req.Config.Unmarshal(s.typ)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not read the configuration", err.Error())
		resp.Diagnostics = protocolDiagnostics(ctx, diags)
		return resp, nil
	}
	state, diags := s.read(ctx, s.provider.configured(), config)
	resp.Diagnostics = protocolDiagnostics(ctx, diags)
	if !diags.HasError() {
		resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	}
	return resp, nil
}

// protocolDiagnostics converts framework diagnostics to the protocol's, each path step by step
// as the framework's own server converts it.
func protocolDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		if d == nil {
			continue
		}
		pd := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityWarning {
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok && len(withPath.Path().Steps()) > 0 {
			pd.Attribute = attributePath(ctx, withPath.Path())
			if len(pd.Attribute.Steps()) < len(withPath.Path().Steps()) {
				// A step that would not convert is named in the text rather than dropped.
				pd.Detail += "\n\n(Attribute: " + withPath.Path().String() + ")"
			}
		}
		out = append(out, pd)
	}
	return out
}

// attributePath is p in the protocol's terms, up to the first step that does not convert
// (a set element whose value has no Terraform form, which the data source never reports).
func attributePath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(ctx)
			if err != nil {
				return out
			}
			out = out.WithElementKeyValue(v)
		default:
			return out
		}
	}
	return out
}

// billingQuery is a validated configuration of the data source.
type billingQuery struct {
	period         guance.Period
	includeRecords bool
	filter         guance.Filter
	// config holds the configured attributes, written back to state as they came.
	config map[string]tftypes.Value
}

// readBillingDetails reads the configured period and returns the data source's state as
// msgpack.
func readBillingDetails(ctx context.Context, data *providerData, config tftypes.Value) ([]byte, diag.Diagnostics) {
	client, diags := data.readyClient()
	if diags.HasError() {
		return nil, diags
	}
	q, diags := parseBillingQuery(config)
	if diags.HasError() {
		return nil, diags
	}
	details, err := client.BillingDetails(ctx, q.period)
	if err != nil {
		diags.Append(data.readError("Could not read Guance billing for "+q.period.String(), err))
		return nil, diags
	}
	diags.Append(pacingDiagnostics(ctx, "billing for "+q.period.String(), details.Pacing)...)
	for _, w := range details.Warnings {
		diags.AddWarning("Guance billing record outside the period", w)
	}
	billed := details.Billed()
	diags.Append(unmatchedFilterWarnings(q, billed)...)
	records := details.Select(q.filter)
	state, err := writeBillingState(q, records, guance.Sum(records), billed)
	if err != nil {
		diags.AddError("Could not build the state", "Writing the billing state failed: "+err.Error()+". This is a bug in the provider; please report it.")
	}
	return state, diags
}

// parseBillingQuery takes the period, include_records and filters from the configuration,
// which the schema's validators have checked already.
func parseBillingQuery(config tftypes.Value) (billingQuery, diag.Diagnostics) {
	var diags diag.Diagnostics
	q := billingQuery{includeRecords: true}
	start, end, err := readConfig(config, &q)
	if err != nil {
		diags.AddError("Could not read the configuration", "The data source's configuration did not have the shape of its "+
			"schema: "+err.Error()+". This is a bug in the provider; please report it.")
		return q, diags
	}
	if q.period, err = periodOf(start, end); err != nil {
		diags.Append(periodDiagnostic(start, err))
	}
	return q, diags
}

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

// readConfig fills q's configuration, include_records and filters, and returns the dates.
func readConfig(config tftypes.Value, q *billingQuery) (start, end string, err error) {
	if err := config.As(&q.config); err != nil {
		return "", "", err
	}
	var include *bool
	if err := q.config["start_date"].As(&start); err != nil {
		return "", "", err
	}
	if err := q.config["end_date"].As(&end); err != nil {
		return "", "", err
	}
	if err := q.config["include_records"].As(&include); err != nil {
		return "", "", err
	}
	if include != nil {
		q.includeRecords = *include
	}
	for attr, set := range map[string]*map[string]bool{
		"product_details": &q.filter.ProductDetails, "measurements": &q.filter.Measurements, "workspace_uuids": &q.filter.WorkspaceUUIDs,
	} {
		if *set, err = stringSet(q.config[attr]); err != nil {
			return "", "", fmt.Errorf("%s: %w", attr, err)
		}
	}
	return start, end, nil
}

func stringSet(v tftypes.Value) (map[string]bool, error) {
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(elems))
	for _, e := range elems {
		var s string
		if err := e.As(&s); err != nil {
			return nil, err
		}
		set[s] = true
	}
	return set, nil
}

// writeBillingState writes the whole state object, its attributes in name order.
func writeBillingState(q billingQuery, records []*guance.BillingRecord, totals guance.Totals, billed guance.Billed) ([]byte, error) {
	computed := map[string]func(w *tfmsgpack.Writer){
		"records": func(w *tfmsgpack.Writer) {
			if !q.includeRecords {
				w.Null()
				return
			}
			writeRecords(w, records)
		},
		"total_billing_result":   func(w *tfmsgpack.Writer) { writeDecimal(w, totals.BillingResult) },
		"total_origin_amount":    func(w *tfmsgpack.Writer) { writeDecimal(w, totals.OriginAmount) },
		"totals_by_product":      func(w *tfmsgpack.Writer) { writeNumberMap(w, totals.ByProduct) },
		"totals_by_date":         func(w *tfmsgpack.Writer) { writeNumberMap(w, totals.ByDate) },
		"totals_by_measurement":  func(w *tfmsgpack.Writer) { writeNumberMap(w, totals.ByMeasurement) },
		"totals_by_month":        func(w *tfmsgpack.Writer) { writeNumberMap(w, totals.ByMonth) },
		"product_totals":         func(w *tfmsgpack.Writer) { writeProductTotals(w, totals.Products) },
		"billed_product_details": func(w *tfmsgpack.Writer) { w.StringList(billed.ProductDetails) },
		"billed_measurements":    func(w *tfmsgpack.Writer) { w.StringList(billed.Measurements) },
	}
	names := make([]string, 0, len(q.config))
	for name := range q.config {
		names = append(names, name)
	}
	sort.Strings(names)
	w := tfmsgpack.NewWriter(256 + len(records)*stateBytesPerRecord(q.includeRecords))
	w.ObjectHeader(len(names))
	for _, name := range names {
		w.String(name)
		if write, ok := computed[name]; ok {
			write(w)
			continue
		}
		configured, err := tfprotov6.NewDynamicValue(q.config[name].Type(), q.config[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		w.Raw(configured.MsgPack)
	}
	return w.Bytes()
}

// writeProductTotals writes product_totals: objects keyed by product, keys sorted, each
// object's attributes in name order.
func writeProductTotals(w *tfmsgpack.Writer, products map[string]guance.ProductTotals) {
	w.ObjectHeader(len(products))
	for _, name := range slices.Sorted(maps.Keys(products)) {
		p := products[name]
		w.String(name)
		w.ObjectHeader(4)
		w.String("billing_result")
		writeDecimal(w, p.BillingResult)
		w.String("count")
		writeDecimal(w, p.Count)
		w.String("deduction_amount")
		writeDecimal(w, p.DeductionAmount)
		w.String("origin_amount")
		writeDecimal(w, p.OriginAmount)
	}
}

// stateBytesPerRecord sizes the state buffer up front: about what one record takes.
func stateBytesPerRecord(includeRecords bool) int {
	if includeRecords {
		return 600
	}
	return 0
}

// recordFieldsByName is recordFields in attribute name order, the order of the wire form.
var recordFieldsByName = func() []recordField {
	sorted := slices.Clone(recordFields)
	slices.SortFunc(sorted, func(a, b recordField) int { return strings.Compare(a.name, b.name) })
	return sorted
}()

// writeRecords writes the records list.
func writeRecords(w *tfmsgpack.Writer, records []*guance.BillingRecord) {
	w.ArrayHeader(len(records))
	for _, r := range records {
		w.ObjectHeader(len(recordFieldsByName))
		for _, f := range recordFieldsByName {
			w.String(f.name)
			if f.number != nil {
				writeDecimal(w, f.number(r))
			} else {
				writeText(w, f.text(r))
			}
		}
	}
}

// writeText writes a text field, null when the API sent none.
func writeText(w *tfmsgpack.Writer, t guance.Text) {
	if t.IsNull() {
		w.Null()
		return
	}
	w.String(t.Value())
}

// writeDecimal writes an amount, null when the API sent none.
func writeDecimal(w *tfmsgpack.Writer, d guance.Decimal) {
	if d.IsNull() {
		w.Null()
		return
	}
	w.Number(d.String())
}

// writeNumberMap writes a map(number) with its keys sorted, so equal states are equal bytes.
func writeNumberMap(w *tfmsgpack.Writer, m map[string]guance.Decimal) {
	w.ObjectHeader(len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.String(k)
		writeDecimal(w, m[k])
	}
}
