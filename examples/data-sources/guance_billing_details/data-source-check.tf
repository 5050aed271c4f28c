# Warn, without blocking, when last month cost more than 60000 CNY. A failed check block is a
# warning: the plan and the apply still succeed. The data source inside the check block is
# read only for the check, and a failure to read it is reported as a warning too.
locals {
  this_month_start = formatdate("YYYY-MM-01", timeadd(plantimestamp(), "8h"))
  last_month_start = formatdate("YYYY-MM-01", timeadd("${local.this_month_start}T00:00:00Z", "-24h"))
  last_month_end   = formatdate("YYYY-MM-DD", timeadd("${local.this_month_start}T00:00:00Z", "-24h"))
}

check "last_month_spending" {
  data "guance_billing_details" "last_month" {
    start_date = local.last_month_start
    end_date   = local.last_month_end
  }

  assert {
    condition     = data.guance_billing_details.last_month.total_billing_result <= 60000
    error_message = "Guance spending from ${local.last_month_start} to ${local.last_month_end} was ${data.guance_billing_details.last_month.total_billing_result} CNY, over the 60000 CNY warning threshold."
  }
}
