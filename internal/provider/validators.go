package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// stringCheck adapts a check of a known string to a schema validator; unknown and null values
// pass, since Terraform validates them again once they are known.
type stringCheck struct {
	description string
	summary     string
	check       func(string) error
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("%s: %s", req.Path, err))
	}
}

var (
	regionValidator = stringCheck{
		description: "must be a Guance region name or site code",
		summary:     "Unknown Guance region",
		check:       func(s string) error { _, err := guance.ResolveRegion(s); return err },
	}
	endpointValidator = stringCheck{
		description: "must be an absolute https URL, or http to a loopback host",
		summary:     "Invalid Guance endpoint",
		check:       func(s string) error { _, err := guance.CheckEndpoint(s); return err },
	}
	durationValidator = stringCheck{
		description: "must be a positive duration such as 90s or 5m",
		summary:     "Invalid duration",
		check: func(s string) error {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return fmt.Errorf("%q is not a positive duration; write it like 90s, 5m or 1h30m", s)
			}
			return nil
		},
	}
	dateValidator = stringCheck{
		description: "must be a calendar date written YYYY-MM-DD or YYYYMMDD",
		summary:     "Invalid date",
		check:       func(s string) error { _, err := guance.ParseDate(s); return err },
	}
)

var timeZoneValidator = stringCheck{
	description: "must be a UTC offset such as +08:00 or an IANA zone name such as UTC",
	summary:     "Invalid time zone",
	check:       func(s string) error { _, err := guance.ParseBillingZone(s); return err },
}
