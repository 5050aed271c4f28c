package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/guance-finops/terraform-provider-guance/internal/tfstate"
)

// NewServer returns the protocol server for a release version.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return newServer(&guanceProvider{version: version}) }
}

// newServer is the framework's server for p, with the fast wing (internal/tfstate) answering
// Terraform's reads of guance_billing_details: the framework would spend seconds copying a
// large state. Without the registration line, or built with -tags nofastpath, every read
// goes through the framework.
func newServer(p *guanceProvider) tfprotov6.ProviderServer {
	readers := map[string]tfstate.Reader{}
	if fastPath {
		readers[billingDetailsTypeName] = p.readBillingDetails
	}
	return tfstate.Serve(providerserver.NewProtocol6(p)(), readers)
}

// readBillingDetails is the wing's reader, with what the provider's Configure made.
func (p *guanceProvider) readBillingDetails(ctx context.Context, config tftypes.Value) (tfstate.Value, diag.Diagnostics) {
	return readBillingDetails(ctx, p.configured(), config)
}
