package guance

import (
	"strings"
	"testing"
)

// A misspelt region, period kind or time zone is refused with the nearest valid value; one
// near nothing gets no hint, only the list.
func TestMisspeltNamesAreRefusedWithTheNearestValidOne(t *testing.T) {
	t.Parallel()
	region := func(s string) error { _, err := ResolveRegion(s); return err }
	kind := func(s string) error { _, err := LookupPeriodKind(s); return err }
	zone := func(s string) error { _, err := ParseBillingZone(s); return err }
	for _, tc := range []struct {
		check func(string) error
		value string
		want  string
	}{
		{region, "hangzou", `unknown region "hangzou" (did you mean "hangzhou"?); valid values are: ap1,`},
		{region, "Singapur", `unknown region "Singapur" (did you mean "singapore"?); valid values are:`},
		{region, "mars", `unknown region "mars"; valid values are:`},
		{kind, "Last_Month", `"Last_Month" is not a billing period kind (did you mean "last_month" or "month"?); use one of today,`},
		{kind, "month_to_dat", `"month_to_dat" is not a billing period kind (did you mean "month_to_date" or "month"?)`},
		{kind, "monthly", `"monthly" is not a billing period kind (did you mean "month"?)`},
		{kind, "weekly", `"weekly" is not a billing period kind; use one of`},
		{zone, "+8:00", `"+8:00" is not a UTC offset (did you mean "+08:00"?); write it ±HH:MM`},
		{zone, "+0800", `"+0800" is not a UTC offset (did you mean "+08:00"?)`},
		{zone, "UTC+8", `"UTC+8" is not a time zone (did you mean "+08:00"?); write a UTC offset`},
		{zone, "GMT-05:30", `"GMT-05:30" is not a time zone (did you mean "-05:30"?)`},
		{zone, "+15:00", `"+15:00" is not a UTC offset; write it`},
	} {
		err := tc.check(tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.value, err, tc.want)
		}
	}
}

// IANA names are suggested from the machine's zone database, where it has one.
func TestAMisspeltZoneNameIsRefusedWithTheNearestZone(t *testing.T) {
	t.Parallel()
	if len(zoneNames()) == 0 {
		t.Skip("this machine has no zone database to suggest from")
	}
	_, err := ParseBillingZone("Europe/Berln")
	if want := `"Europe/Berln" is not a time zone (did you mean "Europe/Berlin"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%v, want %q", err, want)
	}
}

// The existing Guance provider's region names, read from the same GUANCE_REGION, name the
// sites its documentation gives them, so one environment configures both providers.
func TestTheOfficialProvidersRegionNamesNameTheSameSites(t *testing.T) {
	t.Parallel()
	for name, baseURL := range map[string]string{
		"hangzhou": "https://openapi.guance.com", "ningxia": "https://aws-openapi.guance.com",
		"guangzhou": "https://cn4-openapi.guance.com", "vnet": "https://cn5-openapi.guance.com",
		"hongkong": "https://cn6-openapi.guance.one", "oregon": "https://us1-openapi.guance.com",
		"frankfurt": "https://eu1-openapi.guance.one", "singapore": "https://ap1-openapi.guance.one",
	} {
		if site, err := ResolveRegion(name); err != nil || site.BaseURL != baseURL {
			t.Errorf("%s: %v, %v; want %s", name, site.BaseURL, err, baseURL)
		}
	}
}
