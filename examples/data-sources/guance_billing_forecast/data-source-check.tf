# This month, forecast from the complete days so far (as_of defaults to yesterday's billing
# day), with warnings when it is heading over budget or yesterday cost three times the days
# before it. billing_period gives the month's first day; its last is computed from it.
variable "monthly_budget" {
  type    = number
  default = 100000
}

# The API states no currency: name the one your site bills in, for the messages.
variable "currency" {
  type    = string
  default = "CNY"
}

locals {
  month_start = provider::guance::billing_period("month_to_date", plantimestamp()).start_date
  # 32 days after the 1st is always in the next month; the day before its 1st ends this one.
  month_end = formatdate("YYYY-MM-DD", timeadd(formatdate("YYYY-MM-'01T00:00:00Z'", timeadd("${local.month_start}T00:00:00Z", "768h")), "-24h"))
}

data "guance_billing_forecast" "month" {
  start_date = local.month_start
  end_date   = local.month_end
}

# On the 1st no day of the month is complete: the forecast and the ratio are null, and
# coalesce lets the check pass. Messages show amounts to 2 decimals and the ratio to 1; the
# state keeps them exact.
check "month_forecast" {
  assert {
    condition     = coalesce(data.guance_billing_forecast.month.forecast_billing_result, 0) <= var.monthly_budget
    error_message = "This month is forecast at ${format("%.2f", coalesce(data.guance_billing_forecast.month.forecast_billing_result, 0))} ${var.currency}, over the budget of ${format("%.2f", var.monthly_budget)} ${var.currency}."
  }
  assert {
    condition     = coalesce(data.guance_billing_forecast.month.latest_day_ratio, 0) <= 3
    error_message = "${data.guance_billing_forecast.month.as_of} cost ${format("%.1f", coalesce(data.guance_billing_forecast.month.latest_day_ratio, 0))} times the mean of the days before it."
  }
}
