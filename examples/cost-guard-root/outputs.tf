output "this_month" {
  description = "The month so far: its period and what it has cost."
  value = {
    period               = module.this_month.period
    total_billing_result = module.this_month.total_billing_result
  }
}

output "last_month" {
  description = "Last month, whole: its period and what it cost."
  value = {
    period               = module.last_month.period
    total_billing_result = module.last_month.total_billing_result
  }
}
