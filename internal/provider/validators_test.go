package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Every number a configuration sets, in the provider block or any data source, is a count, and
// a fraction or a number out of its range gets our diagnostic naming the value, never the
// framework's conversion error ("Value %!s(*big.Float=2.5) is not an integer", which tells the
// user to report a provider bug). The attributes are found in the schemas, so a new one is
// covered as it is added.
func TestEveryConfigurableNumberRefusesAFractionInItsOwnWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := newFastReadServer(&guanceProvider{version: "test"})
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) != 0 {
		t.Fatal(err, schemas.Diagnostics)
	}
	validate := map[string]func(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic{
		"provider": func(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: config})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		},
	}
	blocks := map[string]*tfprotov6.Schema{"provider": schemas.Provider}
	for name, schema := range schemas.DataSourceSchemas {
		blocks[name], validate[name] = schema, func(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: config})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		}
	}
	var checked []string
	for block, schema := range blocks {
		for _, attr := range schema.Block.Attributes {
			if attr.Type == nil || !attr.Type.Is(tftypes.Number) || !attr.Optional && !attr.Required {
				continue
			}
			for _, value := range []string{"2.5", "-1", "1e30"} {
				n, _, _ := big.ParseFloat(value, 10, 512, big.ToNearestEven)
				config := nullObjectWith(t, schema, attr.Name, tftypes.NewValue(tftypes.Number, n))
				// Other attributes are null, so a required one has its own diagnostic: only the
				// ones on this attribute, or on none, count.
				var diags []*tfprotov6.Diagnostic
				for _, d := range validate[block](config) {
					if d.Attribute == nil || d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(attr.Name)) {
						diags = append(diags, d)
					}
				}
				if len(diags) != 1 || diags[0].Summary != "Invalid number" || diags[0].Attribute == nil ||
					!strings.HasPrefix(diags[0].Detail, attr.Name+" is "+n.Text('g', -1)+"; it must be a whole number from ") {
					t.Errorf("%s.%s = %s: diagnostics %s; want one, ours", block, attr.Name, value, describeDiagnostics(diags))
				}
			}
			checked = append(checked, block+"."+attr.Name)
		}
	}
	// The schemas' counts today, so that the walk above cannot pass by finding none.
	if len(checked) < 3 {
		t.Errorf("checked %v; want requests_per_minute, max_attempts and lookback_days at least", checked)
	}
}

// nullObjectWith is a configuration of schema with every attribute null but one.
func nullObjectWith(t *testing.T, schema *tfprotov6.Schema, name string, value tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	objectType := schema.ValueType().(tftypes.Object)
	values := make(map[string]tftypes.Value, len(objectType.AttributeTypes))
	for attr, typ := range objectType.AttributeTypes {
		values[attr] = tftypes.NewValue(typ, nil)
	}
	values[name] = value
	config, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, values))
	if err != nil {
		t.Fatal(err)
	}
	return &config
}

func describeDiagnostics(diags []*tfprotov6.Diagnostic) string {
	parts := make([]string, len(diags))
	for i, d := range diags {
		parts[i] = d.Summary + ": " + d.Detail
	}
	return "[" + strings.Join(parts, " | ") + "]"
}
