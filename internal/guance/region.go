package guance

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// DefaultRegion is the site used when neither a region nor an endpoint is configured.
const DefaultRegion = "hangzhou"

// Site is one Guance deployment and the base URL of its OpenAPI.
type Site struct {
	Code    string // the site code, e.g. cn1
	Name    string // the region name, e.g. hangzhou
	Title   string // how the documentation names the site
	BaseURL string
	// BillingZone is the zone whose calendar day the site is believed to bill by, written as
	// billing_period's time_zone; "" where nothing is known. The API states no zone, so even
	// a value here is an assumption, and the documentation says so.
	BillingZone string
	// Currency is the currency the site is believed to bill in; "" where nothing is known.
	// The API states no currency anywhere.
	Currency string
}

// Sites lists every public Guance site. Names follow the existing Guance provider where it has
// one; the sites it lacks get the city's name.
var Sites = []Site{
	{Code: "cn1", Name: "hangzhou", Title: "China 1 (Hangzhou)", BaseURL: "https://openapi.guance.com", BillingZone: DefaultBillingZoneName, Currency: "CNY"},
	{Code: "cn2", Name: "ningxia", Title: "China 2 (Ningxia)", BaseURL: "https://aws-openapi.guance.com", BillingZone: DefaultBillingZoneName, Currency: "CNY"},
	{Code: "cn3", Name: "zhangjiakou", Title: "China 3 (Zhangjiakou)", BaseURL: "https://cn3-openapi.guance.com", BillingZone: DefaultBillingZoneName, Currency: "CNY"},
	{Code: "cn4", Name: "guangzhou", Title: "China 4 (Guangzhou)", BaseURL: "https://cn4-openapi.guance.com", BillingZone: DefaultBillingZoneName, Currency: "CNY"},
	{Code: "cn5", Name: "vnet", Title: "China 5 (21Vianet)", BaseURL: "https://cn5-openapi.guance.com", BillingZone: DefaultBillingZoneName, Currency: "CNY"},
	{Code: "cn6", Name: "hongkong", Title: "China 6 (Hong Kong)", BaseURL: "https://cn6-openapi.guance.one", BillingZone: DefaultBillingZoneName},
	{Code: "us1", Name: "oregon", Title: "US1 (Oregon)", BaseURL: "https://us1-openapi.guance.com"},
	{Code: "eu1", Name: "frankfurt", Title: "EU1 (Frankfurt)", BaseURL: "https://eu1-openapi.guance.one"},
	{Code: "ap1", Name: "singapore", Title: "AP1 (Singapore)", BaseURL: "https://ap1-openapi.guance.one"},
	{Code: "za1", Name: "southafrica", Title: "Africa (South Africa)", BaseURL: "https://za1-openapi.guance.com"},
	{Code: "id1", Name: "indonesia", Title: "Indonesia (Jakarta)", BaseURL: "https://id1-openapi.guance.com"},
	{Code: "me1", Name: "middleeast", Title: "Middle East (UAE)", BaseURL: "https://me1-openapi.guance.com"},
}

// regionNames lists every accepted region value, names and site codes, sorted.
func regionNames() []string {
	names := make([]string, 0, 2*len(Sites))
	for _, s := range Sites {
		names = append(names, s.Name, s.Code)
	}
	sort.Strings(names)
	return names
}

// lookupRegion finds a site by region name or site code, case-insensitively.
func lookupRegion(region string) (Site, bool) {
	r := strings.ToLower(strings.TrimSpace(region))
	for _, s := range Sites {
		if r == s.Name || r == s.Code {
			return s, true
		}
	}
	return Site{}, false
}

// ResolveRegion is lookupRegion with an error that lists the valid values.
func ResolveRegion(region string) (Site, error) {
	if s, ok := lookupRegion(region); ok {
		return s, nil
	}
	return Site{}, fmt.Errorf("unknown region %q%s; valid values are: %s", region,
		didYouMean(strings.ToLower(strings.TrimSpace(region)), regionNames()), strings.Join(regionNames(), ", "))
}

// CheckEndpoint accepts an absolute http(s) URL and allows plain http only to loopback hosts,
// so that the access token never crosses a network in clear text. It returns the base URL
// without a trailing slash.
func CheckEndpoint(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("%q is not an absolute http(s) URL such as https://openapi.example.com", endpoint)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must be a base URL without user information, query or fragment", endpoint)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("%q uses plain http to a host that is not loopback; use https so the access token is not sent in clear text (plain http is allowed only to 127.0.0.0/8, ::1 and localhost)", endpoint)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// isLoopbackHost reports whether host is localhost or a loopback IP address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
