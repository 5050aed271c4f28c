# A spike guard: block the plan when any of the last 30 complete days cost more than 5000 (in the currency the site bills in).
# totals_by_date maps each billing day (YYYY-MM-DD) to its exact total, so no records are
# needed.
locals {
  last_30_days = provider::guance::billing_period("last_30_days", plantimestamp())
}

data "guance_billing_details" "last_30_days" {
  start_date      = local.last_30_days.start_date
  end_date        = local.last_30_days.end_date
  include_records = false

  lifecycle {
    postcondition {
      condition = alltrue([for day, total in self.totals_by_date : total <= 5000])
      error_message = "Guance spending was over 5000 a day on ${join(", ", [
        for day, total in self.totals_by_date : "${day} (${total})" if total > 5000
      ])}."
    }
  }
}

output "daily_spend" {
  value = data.guance_billing_details.last_30_days.totals_by_date
}
