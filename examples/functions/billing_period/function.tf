# Periods computed from the plan's own timestamp are known while planning, so the billing
# they select is read, and any guard on it decides, before anything is applied.
locals {
  # The previous calendar month, whole, by the billing day of Guance's China sites (UTC+8).
  last_month = provider::guance::billing_period("last_month", plantimestamp())

  # The 7 complete days before today, for a private deployment that bills by the UTC day.
  last_week_utc = provider::guance::billing_period("last_7_days", plantimestamp(), "UTC")
}

data "guance_billing_details" "last_month" {
  start_date = local.last_month.start_date
  end_date   = local.last_month.end_date
}

output "last_month" {
  value = local.last_month # { start_date = "2024-03-01", end_date = "2024-03-31" } in April 2024
}

output "last_month_total" {
  value = data.guance_billing_details.last_month.total_billing_result
}

output "last_week_utc" {
  value = "${local.last_week_utc.start_date} to ${local.last_week_utc.end_date}"
}
