package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// configuredData takes the provider's data in a data source's Configure; nil until the
// provider is configured.
func configuredData(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", v))
	}
	return data
}

// readyClient is the configured client, or the diagnostic that says why there is none.
func (d *providerData) readyClient() (*guance.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case d == nil:
		diags.AddError("The guance provider is not configured",
			"Terraform read a guance data source before configuring the provider. This is a bug in the provider; please report it.")
	case d.unknownConfig != "":
		diags.AddError("The guance provider's configuration is not known yet",
			fmt.Sprintf("The provider's %s depends on a value that is known only after apply, so billing cannot be read while "+
				"planning. Configure the provider from variables or environment variables (such as %s) instead, or apply "+
				"the resources it depends on first (terraform apply -target=…).", d.unknownConfig, EnvAccessToken))
	case d.missingToken:
		diags.AddError("Missing Guance access token",
			"Set the provider's access_token attribute or the "+EnvAccessToken+" environment variable to the workspace's "+
				"API Key secret (Management → API Keys in Guance; the secret, not the Key ID).")
	default:
		return d.client, nil
	}
	return nil, diags
}

// clientErrorDiagnostic explains a failed read to the person at the terminal: what happened,
// with the API's own words and trace ID, and what to do.
func clientErrorDiagnostic(summary string, err error) diag.Diagnostic {
	var attempts *guance.AttemptsError
	retried := ""
	if errors.As(err, &attempts) {
		retried = fmt.Sprintf("\n\nThe provider tried %s (%s) before giving up.", guance.Count(attempts.Attempts, "time"), attempts.Reason)
	}
	var decodeErr *guance.DecodeError
	var redirect *guance.RedirectError
	var tooSlow *guance.TooSlowError
	apiErr, isAPI := guance.AsAPIError(err)
	switch {
	case errors.As(err, &tooSlow):
		return diag.NewErrorDiagnostic(summary+": the API is too slow", "The API's answers did not complete in the time a "+
			"read may spend on them: "+err.Error()+".\n\nThe API, or the network path to it, is slow right now: plan again "+
			"later, ask for a shorter period, or let reads take longer with max_read_time.")
	case errors.Is(err, context.Canceled):
		return diag.NewErrorDiagnostic(summary+": cancelled", "The read was cancelled (interrupted) before the API answered.")
	case errors.Is(err, context.DeadlineExceeded):
		return diag.NewErrorDiagnostic(summary+": timed out", "The API did not answer in time: "+err.Error()+retried)
	case isAPI && apiErr.IsInvalidKey():
		return diag.NewErrorDiagnostic("Guance rejected the access token",
			"The API refused the access token: "+apiErr.Error()+".\n\nUse the API Key *secret* (Management → API Keys → "+
				"the key's secret), not its Key ID, in access_token or "+EnvAccessToken+"; the key also selects the workspace, "+
				"and the region or endpoint must be that workspace's site.")
	case isAPI && apiErr.IsRateLimit():
		return diag.NewErrorDiagnostic(summary+": rate limited",
			"The API kept answering with its rate limit: "+apiErr.Error()+"."+retried+"\n\nThe key allows 20 requests a "+
				"minute; another client may share the key. Lower requests_per_minute, raise max_retry_wait, or read "+
				"fewer distinct periods in one run.")
	case isAPI && apiErr.HTTPStatus >= 500:
		return diag.NewErrorDiagnostic(summary+": the API is failing", "The Guance API, or a gateway in front of it, kept "+
			"failing: "+apiErr.Error()+"."+retried+"\n\nThis is usually temporary: plan again later, or let the provider wait "+
			"longer with max_attempts and max_retry_wait."+supportHint(apiErr.TraceID))
	case isAPI:
		return diag.NewErrorDiagnostic(summary, "The Guance API answered with an error: "+apiErr.Error()+"."+retried+
			supportHint(apiErr.TraceID))
	case errors.As(err, &redirect):
		return diag.NewErrorDiagnostic(summary+": refused redirect", "The provider did not follow the API's redirect, and "+
			"did not ask again, since the same request would be redirected the same way: "+err.Error()+".\n\nCheck that the "+
			"region or endpoint is the workspace's OpenAPI site itself, not a console or a proxy that redirects.")
	case errors.As(err, &decodeErr):
		return diag.NewErrorDiagnostic(summary+": unusable answer", "Nothing of this answer was used, so no partial bill "+
			"reaches the plan: "+err.Error()+"."+retried+supportHint(decodeErr.TraceID))
	default:
		return diag.NewErrorDiagnostic(summary, "The Guance API could not be reached: "+err.Error()+"."+retried+
			"\n\nCheck the region or endpoint and the network path to it.")
	}
}

func supportHint(traceID string) string {
	if strings.TrimSpace(traceID) == "" {
		return ""
	}
	return "\n\nIf this persists, give Guance support the traceId " + traceID + "."
}
