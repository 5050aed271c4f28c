# Warn, without blocking, when last month cost more than 60000. A failed check block is a
# warning: the plan and the apply still succeed. The data source inside the check block is
# read only for the check, and a failure to read it is reported as a warning too.
locals {
  last_month = provider::guance::billing_period("last_month", plantimestamp())
}

check "last_month_spending" {
  data "guance_billing_details" "last_month" {
    start_date      = local.last_month.start_date
    end_date        = local.last_month.end_date
    include_records = false
  }

  assert {
    condition     = data.guance_billing_details.last_month.total_billing_result <= 60000
    error_message = "Guance spending from ${local.last_month.start_date} to ${local.last_month.end_date} was ${data.guance_billing_details.last_month.total_billing_result}, over the warning threshold of 60000."
  }
}
