# Block the plan when the month so far has cost more than a budget. plantimestamp() is known
# while planning, so the data source is read, and the postcondition decided, during the plan.
locals {
  billing_today = formatdate("YYYY-MM-DD", timeadd(plantimestamp(), "8h")) # Guance's China sites bill in UTC+8
  month_start   = formatdate("YYYY-MM-01", timeadd(plantimestamp(), "8h"))
}

data "guance_billing_details" "month_to_date" {
  start_date = local.month_start
  end_date   = local.billing_today

  lifecycle {
    postcondition {
      condition     = self.total_billing_result <= 100000
      error_message = "Guance spending from ${local.month_start} to ${local.billing_today} is ${self.total_billing_result} CNY, over the 100000 CNY monthly budget."
    }
  }
}
