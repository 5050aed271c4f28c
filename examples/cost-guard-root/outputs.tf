output "this_month" {
  description = "The month so far: its period, what it has cost and the decision."
  value = {
    period                = module.this_month.period
    actual_billing_result = module.this_month.actual_billing_result
    status                = module.this_month.status
  }
}

output "last_month" {
  description = "Last month, whole: its period, what it cost and the decision."
  value = {
    period                = module.last_month.period
    actual_billing_result = module.last_month.actual_billing_result
    status                = module.last_month.status
  }
}
