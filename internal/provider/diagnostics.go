package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

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
		diags.Append(d.sayOnce("unknown configuration", diag.NewErrorDiagnostic("The guance provider's configuration is not known yet",
			fmt.Sprintf("The provider's %s depends on a value that is known only after apply, so billing cannot be read while "+
				"planning. Configure the provider from variables or environment variables (such as %s) instead, or apply "+
				"the resources it depends on first (terraform apply -target=…).", d.unknownConfig, EnvAccessToken))))
	case d.missingToken:
		diags.Append(d.sayOnce("missing token", diag.NewErrorDiagnostic("Missing Guance access token",
			"Set the provider's access_token attribute or the "+EnvAccessToken+" environment variable to the workspace's "+
				"API Key secret (Management → API Keys in Guance; the secret, not the Key ID).")))
	default:
		return d.client, nil
	}
	return nil, diags
}

// sayOnce gives full, the whole explanation of a mistake, the first time the mistake comes up
// in this run, and after that a one-line error that points to it: a plan of many reads with
// no token, a rejected one or a wrong endpoint then explains it once, not once per read. Each
// read still fails. An empty mistake is not one that repeats across reads.
func (d *providerData) sayOnce(mistake string, full diag.Diagnostic) diag.Diagnostic {
	if d == nil || mistake == "" {
		return full
	}
	first, said := d.explained.LoadOrStore(mistake, full.Summary())
	if !said {
		return full
	}
	return diag.NewErrorDiagnostic(full.Summary(), fmt.Sprintf("The same mistake as the error %q of this plan, which "+
		"explains it and what to do, once.", first))
}

// readError is the diagnostic of a failed read, said once per run when its cause is a
// mistake that every read would repeat.
func (d *providerData) readError(summary string, err error) diag.Diagnostic {
	return d.sayOnce(repeatedMistake(err), clientErrorDiagnostic(summary, err))
}

// repeatedMistake names a failure that every read of this run meets the same way, the
// configuration's and not the period's: a token refused, an endpoint that is not the API,
// a recorded bill that cannot be read. "" for any other.
func repeatedMistake(err error) string {
	var redirect *guance.RedirectError
	var recording *guance.RecordingError
	apiErr, isAPI := guance.AsAPIError(err)
	switch {
	case isAPI && apiErr.IsInvalidKey():
		return "rejected token"
	case isAPI && apiErr.IsNotFound():
		return "not the API's base URL"
	case errors.As(err, &redirect) && redirect != nil:
		return "redirect"
	case errors.As(err, &recording) && recording != nil:
		return recording.Error() // a file that cannot be read; a read beyond its days differs per read
	case guance.NoAnswerCause(err) != guance.NoAnswerOther:
		return "no answer: " + guance.NoAnswerCause(err).String()
	}
	return ""
}

// clientErrorDiagnostic explains a failed read to the person at the terminal: what happened,
// with the API's own words, and what to do, which follows the cause. Each fact is said once:
// the retries in one sentence, the error itself without them. The traceId and Guance support
// come up only where support can help: a failing or unusable API, an error nothing explains.
func clientErrorDiagnostic(summary string, err error) diag.Diagnostic {
	if err == nil {
		return diag.NewErrorDiagnostic(summary, "The read failed without saying why. This is a bug in the provider; please report it.")
	}
	shown, retried := err, ""
	var attempts *guance.AttemptsError
	if errors.As(err, &attempts) && attempts != nil {
		if attempts.Last != nil {
			shown = attempts.Last
		}
		retried = fmt.Sprintf("\n\nThe provider tried %s (%s) before giving up.", guance.Count(attempts.Attempts, "time"), attempts.Reason)
	}
	var decodeErr *guance.DecodeError
	var redirect *guance.RedirectError
	var tooSlow *guance.TooSlowError
	var heldByOther *guance.HeldByOtherProcessError
	var recording *guance.RecordingError
	apiErr, isAPI := guance.AsAPIError(err)
	switch {
	case errors.As(err, &heldByOther) && heldByOther != nil:
		return diag.NewErrorDiagnostic(summary+": the key's rate limit is held by another process", heldByOther.Error()+
			".\n\nPlans on this machine with the same key (Terragrunt run-all, a CI matrix, Atlantis) share its pacing "+
			"(shared_pacing), so one refused by the API's limit holds them all, and then one request probes. Raise "+
			"max_retry_wait above the hold (at most a minute), plan again after it, or run fewer plans with this key at once.")
	case errors.As(err, &recording) && recording != nil:
		return diag.NewErrorDiagnostic(summary+": the recorded bill cannot serve it", "Nothing was read: "+err.Error()+
			".\n\nrecorded_bill names a file that GET "+guance.BillingDetailsPath+" answered, recorded for a period that "+
			"includes every day the configuration reads (the guide \"Testing your guard\" shows how).")
	case errors.As(err, &tooSlow) && tooSlow != nil:
		return diag.NewErrorDiagnostic(summary+": the API is too slow", fmt.Sprintf("%s over %s brought no complete "+
			"answer from %s; the last one: %s.\n\nThe API, or the network path to it, is slow right now: plan again later, "+
			"ask for a shorter period, or let reads take longer with max_read_time.",
			tooSlow.Limit, guance.Count(tooSlow.Attempts, "attempt"), tooSlow.Endpoint, tooSlow.LastOutcome()))
	case errors.Is(err, context.Canceled):
		return diag.NewErrorDiagnostic(summary+": cancelled", "The read was cancelled (interrupted) before the API answered.")
	case errors.Is(err, context.DeadlineExceeded):
		return diag.NewErrorDiagnostic(summary+": timed out", "The API did not answer in time: "+shown.Error()+"."+retried)
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
	case isAPI && apiErr.IsNotFound():
		return diag.NewErrorDiagnostic(summary+": the endpoint is not the API's base URL", "The server has no such page: "+
			apiErr.WithoutTraceID()+".\n\n"+notFoundAdvice(apiErr.BasePath))
	case isAPI && apiErr.IsBadRequest():
		return diag.NewErrorDiagnostic(summary+": the API refused the request", "The API refused what was asked: "+
			apiErr.WithoutTraceID()+".\n\nAsking again would get the same answer, so the provider did not. The request "+
			"carries only the period, from start_date and end_date (or billing_period): fix what the API's message names, "+
			"for example split a long period into shorter ones.")
	case isAPI && apiErr.HTTPStatus >= 500:
		return diag.NewErrorDiagnostic(summary+": the API is failing", "The Guance API, or a gateway in front of it, kept "+
			"failing: "+apiErr.WithoutTraceID()+"."+retried+"\n\nThis is usually temporary: plan again later, or let the provider wait "+
			"longer with max_attempts and max_retry_wait."+supportHint(apiErr.TraceID))
	case isAPI:
		return diag.NewErrorDiagnostic(summary, "The Guance API answered with an error: "+apiErr.WithoutTraceID()+"."+retried+
			supportHint(apiErr.TraceID))
	case errors.As(err, &redirect) && redirect != nil:
		return diag.NewErrorDiagnostic(summary+": refused redirect", "The provider did not follow the API's redirect, and "+
			"did not ask again, since the same request would be redirected the same way: "+err.Error()+".\n\nCheck that the "+
			"region or endpoint is the workspace's OpenAPI site itself, not a console or a proxy that redirects.")
	case errors.As(err, &decodeErr) && decodeErr != nil:
		return diag.NewErrorDiagnostic(summary+": unusable answer", "Nothing of this answer was used, so no partial bill "+
			"reaches the plan: "+decodeErr.WithoutTraceID()+"."+retried+supportHint(decodeErr.TraceID))
	default:
		return diag.NewErrorDiagnostic(summary, "The Guance API could not be reached: "+shown.Error()+"."+retried+
			"\n\n"+noAnswerAdvice(guance.NoAnswerCause(err)))
	}
}

// notFoundAdvice says how to fix an endpoint that led to a 404.
func notFoundAdvice(basePath string) string {
	advice := "The endpoint must be the OpenAPI base URL, a scheme and host only, such as https://openapi.guance.com: " +
		"the provider adds the API's own paths itself."
	if basePath != "" {
		advice += " This endpoint adds " + basePath + " before that path: drop " + basePath + " from endpoint (or " +
			EnvEndpoint + ")."
	} else {
		advice += " Check that endpoint (or region) names the workspace's OpenAPI site, not its console or another service."
	}
	return advice
}

// noAnswerAdvice says what to check when a request got no answer, by its cause.
func noAnswerAdvice(cause guance.NoAnswer) string {
	switch cause {
	case guance.NoAnswerRefused:
		return "Nothing accepts connections at that host and port: check the endpoint's host and port, and that the " +
			"server (or the tunnel or simulator it points at) is running."
	case guance.NoAnswerUnknownHost:
		return "The host name does not resolve: check the region or endpoint for a typo, and this machine's DNS."
	case guance.NoAnswerSilent:
		return "Something at that host and port accepts connections but sends no answer, so it is not the Guance " +
			"OpenAPI: check the endpoint's host, port and scheme (https for a Guance site; for a simulator, the URL it " +
			"printed), and for a proxy or firewall that holds connections. max_read_time would not help: nothing answers."
	case guance.NoAnswerUntrusted:
		return "The server's TLS certificate is not trusted. Check that the region or endpoint is the Guance site itself; " +
			"behind a proxy that intercepts TLS, add its CA certificate to the system's trust store (or SSL_CERT_FILE)."
	}
	return "Check the region or endpoint and the network path to it."
}

// pacingDiagnostics says why a read was slow when the provider's own pacing held it: in the
// log past a sixth of the rate window (10 s of a minute), as a warning past half of it (30 s),
// with what to do about it. what names the read: "billing for 2024-03-01 to 2024-03-31".
func pacingDiagnostics(ctx context.Context, what string, p guance.Pacing) diag.Diagnostics {
	var diags diag.Diagnostics
	if !p.Long() {
		return diags
	}
	waited := p.Waited.Round(100 * time.Millisecond)
	tflog.Info(ctx, "A Guance read waited for the provider's rate limit", map[string]any{
		"read": what, "waited": waited.String(), "requests_sent": p.Requests, "limit": rate(p),
		"orphaned_slots": p.Orphaned, "orphaned_by_processes": p.OrphanPIDs,
	})
	switch {
	case p.TooLong() && p.Orphaned > 0:
		window := "a minute"
		if p.Window != time.Minute {
			window = p.Window.String()
		}
		diags.AddWarning("Guance reads waited for a slot of a process that died", fmt.Sprintf("Reading %s waited %s "+
			"for a request slot because %s in use on this key %s booked by %s that never recorded the answer, as when a "+
			"process is killed while its request is in flight (kill -9, an out-of-memory kill, a cancelled CI job). The "+
			"API counted the request, so its slot stays taken for %s plus the request timeout after its booking. The "+
			"wait was not caused by this plan's reads, and it ends by itself.", what, waited,
			guance.Count(p.Orphaned, "slot"), wereOrWas(p.Orphaned), orphanedBy(p.OrphanPIDs), window))
	case p.TooLong():
		diags.AddWarning("Guance reads waited for the rate limit", fmt.Sprintf("Reading %s waited %s for a request slot: "+
			"this run has sent %d requests to the Guance API, and the provider sends at most %s (requests_per_minute; "+
			"the API allows 20 a minute per key).\n\nTo read fewer: read one long period and take totals_by_month from it "+
			"instead of one data source per month, with include_records = false where totals are enough; and give data "+
			"sources that need the same period the same dates, so that they share one request.", what, waited, p.Requests, rate(p)))
	}
	return diags
}

// orphanedBy names the processes that left orphaned slots, when known.
func orphanedBy(pids []int) string {
	switch len(pids) {
	case 0:
		return "another provider process"
	case 1:
		return fmt.Sprintf("another provider process (pid %d)", pids[0])
	}
	ids := make([]string, len(pids))
	for i, pid := range pids {
		ids[i] = fmt.Sprint(pid)
	}
	return "other provider processes (pids " + strings.Join(ids, ", ") + ")"
}

func wereOrWas(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// rate writes the client's limit as a user configured it.
func rate(p guance.Pacing) string {
	if p.Window == time.Minute {
		return guance.Count(p.Limit, "request") + " a minute"
	}
	return guance.Count(p.Limit, "request") + " per " + p.Window.String()
}

func supportHint(traceID string) string {
	if strings.TrimSpace(traceID) == "" {
		return ""
	}
	return "\n\nIf this persists, give Guance support the traceId " + traceID + "."
}
