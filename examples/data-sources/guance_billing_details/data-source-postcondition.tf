# Block the plan when the month so far has cost more than a budget. The period comes from
# plantimestamp(), which is known while planning, so the data source is read, and the
# postcondition decided, during the plan.
locals {
  # By the billing day of Guance's China sites (UTC+8); a third argument names another zone.
  month = provider::guance::billing_period("month_to_date", plantimestamp())
}

data "guance_billing_details" "month_to_date" {
  start_date      = local.month.start_date
  end_date        = local.month.end_date
  include_records = false # only the total is needed

  lifecycle {
    postcondition {
      condition     = self.total_billing_result <= 100000
      error_message = "Guance spending from ${local.month.start_date} to ${local.month.end_date} is ${self.total_billing_result}, over the monthly budget of 100000."
    }
  }
}
