package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// counts are the configurable numbers that are whole numbers, by block; every other number a
// configuration sets (a budget's amount) may be a fraction.
var counts = map[string]bool{
	"provider.requests_per_minute":          true,
	"provider.max_attempts":                 true,
	"guance_billing_forecast.lookback_days": true,
	"guance_billing_budget.lookback_days":   true,
	"guance_billing_budget.min_runway_days": true,
}

// A fraction given where a count belongs, in the provider block or any data source, gets our
// diagnostic naming the value and the range, and so does a count out of range; no number ever
// gets the framework's conversion error ("Value %!s(*big.Float=2.5) is not an integer", which
// tells the user to report a provider bug). The attributes are found in the schemas, so a new
// number is covered as it is added: a count must be listed in counts, and a number listed
// there must be checked as one.
func TestEveryConfigurableNumberRefusesAFractionInItsOwnWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := newServer(&guanceProvider{version: "test"})
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
	checked := map[string]bool{}
	for block, schema := range blocks {
		for _, attr := range schema.Block.Attributes {
			if attr.Type == nil || !attr.Type.Is(tftypes.Number) || !attr.Optional && !attr.Required {
				continue
			}
			name := block + "." + attr.Name
			for _, value := range []string{"2.5", "-1", "1e30"} {
				n, _, _ := big.ParseFloat(value, 10, 512, big.ToNearestEven)
				config := nullObjectWith(t, schema, attr.Name, tftypes.NewValue(tftypes.Number, n))
				// Other attributes are null, so a required one, or a rule over several, has its
				// own diagnostic: only the ones on this attribute count, but the framework's
				// wording counts anywhere.
				var diags []*tfprotov6.Diagnostic
				for _, d := range validate[block](config) {
					if strings.Contains(d.Summary+d.Detail, "integer") || strings.Contains(d.Detail, "always an error in the provider") {
						t.Errorf("%s = %s: the framework's conversion error: %s: %s", name, value, d.Summary, d.Detail)
					}
					if d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(attr.Name)) {
						diags = append(diags, d)
					}
				}
				ours := len(diags) == 1 && diags[0].Summary == "Invalid number" &&
					strings.HasPrefix(diags[0].Detail, attr.Name+" is "+n.Text('g', -1)+"; it must be a whole number from ")
				if counts[name] && !ours {
					t.Errorf("%s = %s: diagnostics %s; want one, ours", name, value, describeDiagnostics(diags))
				}
				if !counts[name] && ours {
					t.Errorf("%s = %s is checked as a count: list it in counts", name, value)
				}
			}
			checked[name] = true
		}
	}
	for name := range counts {
		if !checked[name] {
			t.Errorf("%s is listed in counts but is no configurable number of any schema", name)
		}
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
