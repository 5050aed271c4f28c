// Package provider is the Terraform glue of the guance provider: schemas, validation, and
// configuration turned into a guance.Client whose typed records become Terraform state.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/guance-finops/guance"

// Environment variables the provider reads when its configuration leaves a value out.
const (
	EnvAccessToken    = "GUANCE_ACCESS_TOKEN"
	EnvRegion         = "GUANCE_REGION"
	EnvEndpoint       = "GUANCE_ENDPOINT"
	EnvEndpointLegacy = "GUANCE_END_POINT" // the existing Guance provider's spelling
	EnvSharedPacing   = "GUANCE_SHARED_PACING"
	EnvSharedReadTTL  = "GUANCE_SHARED_READ_TTL"
	EnvCurrency       = "GUANCE_CURRENCY"
)

var _ provider.ProviderWithFunctions = (*guanceProvider)(nil)

type guanceProvider struct {
	version string
	// data is what Configure made, for the fast wing's reads (server.go): they bypass the
	// framework's ReadDataSource, so they cannot take the DataSourceData that every data
	// source gets in its Configure.
	data atomic.Pointer[providerData]
	// tuneClient adjusts the client's configuration; tests use it to shorten backoffs
	// without changing what users get.
	tuneClient func(*guance.Config)
	// clock tells the time that defaults depend on (a forecast's as_of); nil is the system
	// clock. Tests set a fixed one so that "yesterday" is a known day.
	clock func() time.Time
	// lookupEnv reads the provider's environment variables (GUANCE_*); nil is the process
	// environment. Tests give each provider an environment of its own, so that none sets the
	// process's and every test can run in parallel.
	lookupEnv func(name string) (string, bool)
}

// getenv is the value of the environment variable name as the provider sees it, "" when unset.
func (p *guanceProvider) getenv(name string) string {
	lookup := p.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, _ := lookup(name)
	return v
}

type providerModel struct {
	AccessToken       types.String `tfsdk:"access_token"`
	Region            types.String `tfsdk:"region"`
	Endpoint          types.String `tfsdk:"endpoint"`
	RequestsPerMinute types.Number `tfsdk:"requests_per_minute"`
	MaxAttempts       types.Number `tfsdk:"max_attempts"`
	MaxRetryWait      types.String `tfsdk:"max_retry_wait"`
	MaxReadTime       types.String `tfsdk:"max_read_time"`
	SharedPacing      types.Bool   `tfsdk:"shared_pacing"`
	SharedReadTTL     types.String `tfsdk:"shared_read_ttl"`
	RecordedBill      types.String `tfsdk:"recorded_bill"`
	Currency          types.String `tfsdk:"currency"`
}

func (p *guanceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "guance"
	resp.Version = p.version
}

func (p *guanceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Guance Cloud (观测云) workspace billing as typed, exact-decimal data.",
		Attributes: map[string]schema.Attribute{
			"access_token": schema.StringAttribute{
				MarkdownDescription: "The workspace's API Key **secret** (Management → API Keys; not the Key ID), sent as the `DF-API-KEY` header. " +
					"Defaults to the `" + EnvAccessToken + "` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "The Guance site: a region name (" + codeList(siteFields(func(s guance.Site) string { return s.Name })) +
					") or a site code (" + codeList(siteFields(func(s guance.Site) string { return s.Code })) + "). Defaults to the `" + EnvRegion + "` environment variable, then `" +
					guance.DefaultRegion + "`. Conflicts with `endpoint`.",
				Optional:   true,
				Validators: []validator.String{regionValidator},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "A base URL that replaces the region's, for private deployments. Must be `https://`; plain `http://` is " +
					"accepted only to loopback hosts (127.0.0.0/8, ::1, localhost) so the token never travels in clear text. " +
					"Defaults to the `" + EnvEndpoint + "` (or `" + EnvEndpointLegacy + "`) environment variable. Conflicts with `region`.",
				Optional: true,
				Validators: []validator.String{
					endpointValidator,
					stringvalidator.ConflictsWith(path.MatchRoot("region")),
				},
			},
			"requests_per_minute": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("The most requests the provider sends in any rolling minute; it paces itself under this "+
					"instead of retrying into the API's limit. Defaults to %d, the API's per-key limit.", guance.DefaultRateLimit),
				Optional:   true,
				Validators: []validator.Number{wholeNumber{min: 1, max: 1000}},
			},
			"max_attempts": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("Attempts per read, the first included, when the API answers with a rate limit, a server "+
					"error, or a broken connection. Defaults to %d.", guance.DefaultMaxAttempts),
				Optional:   true,
				Validators: []validator.Number{wholeNumber{min: 1, max: 50}},
			},
			"max_retry_wait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The total time one read may spend waiting between attempts, as a Go duration such as "+
					"`90s` or `5m`. Defaults to `%s`. The requests themselves (up to %s each) and any wait for the pacer's next "+
					"free slot come on top, so a read can take longer than this.", guance.FormatDuration(guance.DefaultMaxRetryWait),
					guance.FormatDuration(guance.DefaultRequestTimeout)),
				Optional:   true,
				Validators: []validator.String{durationValidator},
			},
			"max_read_time": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The total time one read may spend sending requests and receiving answers, over all its "+
					"attempts, as a Go duration such as `90s` or `10m`. Defaults to `%s`. A server that trickles its answer, or "+
					"never completes it, is given up on after this, with an error saying the API is too slow. Each attempt is "+
					"also cut off after %s, and an answer that sends no data for %s is cut off and asked for again. Waits for a "+
					"rate slot and between attempts do not count (see `max_retry_wait`).", guance.FormatDuration(guance.DefaultMaxReadTime),
					guance.FormatDuration(guance.DefaultRequestTimeout), guance.FormatDuration(guance.DefaultIdleTimeout)),
				Optional:   true,
				Validators: []validator.String{durationValidator},
			},
			"shared_pacing": schema.BoolAttribute{
				MarkdownDescription: "Whether the provider processes on this machine that use the same access token and site share one " +
					"rolling window of `requests_per_minute`, as when Terragrunt `run-all`, a CI matrix or Atlantis run many plans " +
					"at once: together they then stay under the key's limit instead of each sending its own share. They meet " +
					"through a small file in the user's cache directory (`terraform-provider-guance/pacing/`), named by a hash; " +
					"the token is never written. When that directory cannot be written, each process paces itself alone and " +
					"says so in the DEBUG log. Defaults to the `" + EnvSharedPacing + "` environment variable (`true` or " +
					"`false`), then `true`.",
				Optional: true,
			},
			"shared_read_ttl": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long a successful answer of the billing detail list or the balance is "+
					"served to the other provider processes on this machine that use the same access token and site and make "+
					"the identical request (the same endpoint, period and query), as a Go duration such as `60s`; `0` turns "+
					"this off. Within it, such a process gets the answer with no request, and one that asks while the first "+
					"is still reading waits for it instead of sending its own: thirty stacks of Terragrunt `run-all` reading "+
					"the same month send one request, not thirty. The answer is kept as the API sent it, in a file readable "+
					"only by this user in the user's cache directory (`terraform-provider-guance/reads/`), named by a hash; "+
					"the token is never written. A failed read is never kept, and a damaged file is ignored. At most `%s`. "+
					"Defaults to the `%s` environment variable, then `%s`.", guance.FormatDuration(guance.MaxSharedReadTTL),
					EnvSharedReadTTL, guance.FormatDuration(guance.DefaultSharedReadTTL)),
				Optional:   true,
				Validators: []validator.String{sharedReadTTLValidator},
			},
			"recorded_bill": schema.StringAttribute{
				MarkdownDescription: "A file holding a recorded billing answer, read instead of the API: for testing a guard " +
					"(`terraform test`) and for asking what it would have said of a past month. The file is what " +
					"`GET " + guance.BillingDetailsPath + "` answered for a period; each read takes the days it asks for " +
					"from it, decoded and checked exactly as an answer from the network, and a read of a day before the " +
					"file's first billed day or after its last one fails. The balance is read from the sibling file with " +
					"`.balance` before the extension (`march.json` → `march.balance.json`), what `GET " + guance.BalancePath +
					"` answered. Nothing is sent and no token is needed. A relative path is from the directory Terraform " +
					"runs in; a symbolic link is refused. Conflicts with `region` and `endpoint`. The guide " +
					"*Testing your guard* shows how to record one.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("region"), path.MatchRoot("endpoint")),
				},
			},
			"currency": schema.StringAttribute{
				MarkdownDescription: "The currency the workspace's site bills in, as " + guance.CurrencyRule + ", written after " +
					"every amount in the provider's messages (a budget's findings). The API reports no currency, so the " +
					"provider does not guess one: without it, amounts are written bare. It changes no value in state. " +
					"Defaults to the `" + EnvCurrency + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{currencyValidator},
			},
		},
	}
}

// providerData is what the provider hands its data sources after Configure.
type providerData struct {
	client *guance.Client
	// now is the provider's clock.
	now func() time.Time
	// currency is the one the configuration states, for messages; "" when none.
	currency guance.Currency
	// unknownConfig names the attribute that was unknown at plan time, when one was: there is
	// no client then.
	unknownConfig string
	// missingToken is set when no access token was given: there is no client then either.
	missingToken bool
	// explained holds the mistakes explained in full in this run, by mistake, with the
	// summary of the error that did (sayOnce).
	explained sync.Map
}

func (p *guanceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value from another resource may be unknown while planning; the data sources then say so.
	// A slice, not a map, so that with several unknown the message names the first, every time.
	for _, attribute := range []struct {
		name  string
		value interface{ IsUnknown() bool }
	}{
		{"access_token", cfg.AccessToken}, {"region", cfg.Region}, {"endpoint", cfg.Endpoint},
		{"requests_per_minute", cfg.RequestsPerMinute}, {"max_attempts", cfg.MaxAttempts}, {"max_retry_wait", cfg.MaxRetryWait},
		{"max_read_time", cfg.MaxReadTime}, {"shared_pacing", cfg.SharedPacing},
		{"shared_read_ttl", cfg.SharedReadTTL}, {"recorded_bill", cfg.RecordedBill}, {"currency", cfg.Currency},
	} {
		if attribute.value.IsUnknown() {
			data := &providerData{unknownConfig: attribute.name}
			resp.DataSourceData, resp.ResourceData = data, data
			p.data.Store(data)
			return
		}
	}

	now := p.clock
	if now == nil {
		now = time.Now
	}
	currency, diags := resolveCurrency(cfg.Currency, p.getenv)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if !cfg.RecordedBill.IsNull() {
		// A recording needs no site and no token: nothing is sent.
		client, err := guance.New(guance.Config{RecordedBill: cfg.RecordedBill.ValueString()})
		if err != nil {
			resp.Diagnostics.AddError("Could not configure the Guance client", err.Error())
			return
		}
		tflog.Debug(ctx, "Configured the Guance client to read a recorded bill", map[string]any{"recorded_bill": cfg.RecordedBill.ValueString()})
		data := &providerData{client: client, now: now, currency: currency}
		resp.DataSourceData, resp.ResourceData = data, data
		p.data.Store(data)
		return
	}

	baseURL, diags := resolveBaseURL(cfg, p.getenv)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	token := firstSet(cfg.AccessToken.ValueString(), p.getenv(EnvAccessToken))
	if token == "" {
		// OpenTofu configures a provider before calling its functions, which need no token:
		// the reads that need one fail instead, each with the missing-token diagnostic.
		data := &providerData{missingToken: true}
		resp.DataSourceData, resp.ResourceData = data, data
		p.data.Store(data)
		return
	}
	logger := tflogLogger{token: token}
	ctx = logger.mask(ctx)

	sharedPacing, diags := resolveSharedPacing(cfg.SharedPacing, p.getenv)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	sharedReadTTL, diags := resolveSharedReadTTL(cfg.SharedReadTTL, p.getenv)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	maxWait := durationOr(cfg.MaxRetryWait, guance.DefaultMaxRetryWait)
	maxReadTime := durationOr(cfg.MaxReadTime, guance.DefaultMaxReadTime)
	clientCfg := guance.Config{
		BaseURL:       baseURL,
		Token:         token,
		UserAgent:     fmt.Sprintf("terraform-provider-guance/%s Terraform/%s", p.version, req.TerraformVersion),
		RateLimit:     int(wholeNumberValue(cfg.RequestsPerMinute)),
		MaxAttempts:   int(wholeNumberValue(cfg.MaxAttempts)),
		MaxRetryWait:  maxWait,
		MaxReadTime:   maxReadTime,
		SharedPacing:  sharedPacing,
		SharedReadTTL: sharedReadTTL,
		Logger:        logger,
	}
	if p.tuneClient != nil {
		p.tuneClient(&clientCfg)
	}
	client, err := guance.New(clientCfg)
	if err != nil {
		resp.Diagnostics.AddError("Could not configure the Guance client", err.Error())
		return
	}
	tflog.Debug(ctx, "Configured the Guance client", map[string]any{"base_url": baseURL})
	data := &providerData{client: client, now: now, currency: currency}
	resp.DataSourceData, resp.ResourceData = data, data
	p.data.Store(data)
}

// configured is what Configure made, or nil before it ran.
func (p *guanceProvider) configured() *providerData { return p.data.Load() }

// resolveBaseURL picks the API's base URL: configuration before environment, endpoint before
// region, hangzhou when nothing is set. An error names where the bad value came from.
func resolveBaseURL(cfg providerModel, getenv func(string) string) (string, diag.Diagnostics) {
	regionURL := func(region string) (string, error) {
		site, err := guance.ResolveRegion(region)
		return site.BaseURL, err
	}
	endpoint := func(value, where string) siteSource {
		return siteSource{value, where, path.Root("endpoint"), endpointValidator.summary, guance.CheckEndpoint}
	}
	region := func(value, where string) siteSource {
		return siteSource{value, where, path.Root("region"), regionValidator.summary, regionURL}
	}
	var diags diag.Diagnostics
	for _, source := range []siteSource{
		endpoint(cfg.Endpoint.ValueString(), "endpoint"),
		region(cfg.Region.ValueString(), "region"),
		endpoint(getenv(EnvEndpoint), "environment variable "+EnvEndpoint),
		endpoint(getenv(EnvEndpointLegacy), "environment variable "+EnvEndpointLegacy),
		region(getenv(EnvRegion), "environment variable "+EnvRegion),
		region(guance.DefaultRegion, "the default region"),
	} {
		if source.value == "" {
			continue
		}
		baseURL, err := source.resolve(source.value)
		if err != nil {
			diags.AddAttributeError(source.attribute, source.summary, source.where+": "+err.Error())
		}
		return baseURL, diags
	}
	return "", diags
}

// siteSource is one place the API's site can be configured.
type siteSource struct {
	value     string
	where     string // the attribute or the environment variable, for messages
	attribute path.Path
	summary   string
	resolve   func(string) (string, error)
}

// resolveSharedPacing is the shared_pacing attribute, else the environment's, else true.
func resolveSharedPacing(v types.Bool, getenv func(string) string) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !v.IsNull() {
		return v.ValueBool(), diags
	}
	env := getenv(EnvSharedPacing)
	if env == "" {
		return true, diags
	}
	on, err := strconv.ParseBool(env)
	if err != nil {
		diags.AddError("Invalid "+EnvSharedPacing,
			fmt.Sprintf("The environment variable %s is %q, which is not a boolean. Set it to true or false, or unset it "+
				"to share pacing (the default).", EnvSharedPacing, env))
	}
	return on, diags
}

// resolveSharedReadTTL is the shared_read_ttl attribute (checked by the schema), else the
// environment's, else the default.
func resolveSharedReadTTL(v types.String, getenv func(string) string) (time.Duration, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !v.IsNull() {
		ttl, _ := parseSharedReadTTL(v.ValueString())
		return ttl, diags
	}
	env := getenv(EnvSharedReadTTL)
	if env == "" {
		return guance.DefaultSharedReadTTL, diags
	}
	ttl, err := parseSharedReadTTL(env)
	if err != nil {
		diags.AddError("Invalid "+EnvSharedReadTTL, fmt.Sprintf("The environment variable %s: %s. Unset it for the "+
			"default of %s.", EnvSharedReadTTL, err.Error(), guance.FormatDuration(guance.DefaultSharedReadTTL)))
	}
	return ttl, diags
}

// resolveCurrency is the currency attribute (checked by the schema), else the environment's,
// else none.
func resolveCurrency(v types.String, getenv func(string) string) (guance.Currency, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !v.IsNull() {
		return guance.Currency(v.ValueString()), diags
	}
	currency, err := guance.ParseCurrency(getenv(EnvCurrency))
	if err != nil {
		diags.AddError("Invalid "+EnvCurrency, fmt.Sprintf("The environment variable %s: %s. Set it to the code of the "+
			"currency your site bills in, or unset it to write amounts bare.", EnvCurrency, err))
	}
	return currency, diags
}

// durationOr is the duration v holds (checked by the schema), or def when v is null.
func durationOr(v types.String, def time.Duration) time.Duration {
	if v.IsNull() {
		return def
	}
	d, _ := time.ParseDuration(v.ValueString())
	return d
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func (p *guanceProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *guanceProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newBillingDetailsDataSource, newBillingBalanceDataSource, newBillingForecastDataSource, newBillingBudgetDataSource}
}

func (p *guanceProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{newBillingPeriodFunction}
}

// siteFields lists one field of every site, in guance.Sites' order.
func siteFields(field func(guance.Site) string) []string {
	out := make([]string, len(guance.Sites))
	for i, s := range guance.Sites {
		out[i] = field(s)
	}
	return out
}

// tflogLogger passes the client's log lines to Terraform's logs. The client never logs the
// token; masking it here as well keeps it out even of an error text that quoted it.
type tflogLogger struct{ token string }

func (l tflogLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskAllFieldValuesStrings(ctx, l.token)
	return tflog.MaskMessageStrings(ctx, l.token)
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}
