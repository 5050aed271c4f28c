package tfstate

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A diagnostic on a nested attribute points Terraform at that attribute, not at its top-level
// parent.
func TestProtocolDiagnosticsKeepNestedAttributePaths(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	diags.AddAttributeWarning(path.Root("records").AtListIndex(2).AtName("date"), "a record", "detail")
	diags.AddAttributeError(path.Root("totals_by_product").AtMapKey("Log"), "a total", "detail")
	diags.AddError("no path", "detail")
	got := ProtocolDiagnostics(context.Background(), diags)
	want := []*tftypes.AttributePath{
		tftypes.NewAttributePath().WithAttributeName("records").WithElementKeyInt(2).WithAttributeName("date"),
		tftypes.NewAttributePath().WithAttributeName("totals_by_product").WithElementKeyString("Log"),
		nil,
	}
	if len(got) != len(want) {
		t.Fatalf("%d diagnostics, want %d: %v", len(got), len(want), got)
	}
	for i, d := range got {
		if (d.Attribute == nil) != (want[i] == nil) || d.Attribute != nil && !d.Attribute.Equal(want[i]) {
			t.Errorf("diagnostic %d points at %v, want %v", i, d.Attribute, want[i])
		}
		if d.Detail != "detail" {
			t.Errorf("diagnostic %d detail %q", i, d.Detail)
		}
	}
}

// A nil diagnostic, which a careless append can leave, is dropped rather than dereferenced.
func TestProtocolDiagnosticsSkipANilDiagnostic(t *testing.T) {
	t.Parallel()
	if got := ProtocolDiagnostics(context.Background(), diag.Diagnostics{nil}); len(got) != 0 {
		t.Errorf("a nil diagnostic became %d", len(got))
	}
}
