# The records themselves: one billed item on one day. Amounts the API sent as "None", null or
# "" are null, so test for null (or use coalesce) before doing arithmetic on them.
data "guance_billing_details" "week" {
  start_date = "20240311" # YYYYMMDD works too
  end_date   = "20240317"
}

locals {
  log_records = [for r in data.guance_billing_details.week.records : r if r.product_detail == "Log"]
}

output "log_cost_by_day" {
  value = { for r in local.log_records : r.date => r.billing_result }
}

output "log_usage_by_day" {
  value = { for r in local.log_records : r.date => r.count }
}

output "deductions" {
  value = sum([for r in data.guance_billing_details.week.records : coalesce(r.deduction_amount, 0)])
}
