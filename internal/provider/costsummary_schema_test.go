package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/guance-finops/terraform-provider-guance/internal/costsummary"
)

// guance-cost-summary reads the plan's JSON by attribute name: each attribute it reads must be
// one of the provider's schema, so that renaming or removing one fails here rather than in a
// pull request's summary.
func TestCostSummaryReadsAttributesOfTheSchema(t *testing.T) {
	t.Parallel()
	resp, err := NewServer("test")().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	for typ, names := range costsummary.ReadAttributes {
		schema, ok := resp.DataSourceSchemas[typ]
		if !ok {
			t.Errorf("the summary reads %s, which the provider does not serve", typ)
			continue
		}
		for _, name := range names {
			if !hasAttribute(schema.Block.Attributes, strings.Split(name, ".")) {
				t.Errorf("the summary reads %s.%s, which is not in the provider's schema", typ, name)
			}
		}
	}
}

// hasAttribute reports whether path names an attribute, a member of a nested attribute's
// object for each step after the first.
func hasAttribute(attributes []*tfprotov6.SchemaAttribute, path []string) bool {
	for _, a := range attributes {
		if a.Name != path[0] {
			continue
		}
		if len(path) == 1 {
			return true
		}
		return a.NestedType != nil && hasAttribute(a.NestedType.Attributes, path[1:])
	}
	return false
}
