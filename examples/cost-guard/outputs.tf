output "period" {
  description = "The budget's period, the calendar month, first and last day inclusive."
  value       = local.month
}

output "as_of" {
  description = "The last complete billing day the decision reads up to."
  value       = data.guance_billing_budget.month.as_of
}

output "status" {
  description = "The decision: \"ok\", \"warn\" or \"block\" (a blocked plan fails before outputs are shown)."
  value       = data.guance_billing_budget.month.status
}

output "findings" {
  description = "What calls for action: each finding's action, basis, scope (\"total\" or a product_detail), value, limit, percent and message."
  value       = data.guance_billing_budget.month.findings
}

output "warn_message" {
  description = "The warn findings' messages, one per line; null when there is none."
  value       = data.guance_billing_budget.month.warn_message
}

output "actual_billing_result" {
  description = "What the month has cost up to as_of, in the site's currency (exact)."
  value       = data.guance_billing_budget.month.actual_billing_result
}

output "forecast_billing_result" {
  description = "What the month is forecast to cost by its last day at the recent run rate (exact); null before its first day is complete."
  value       = data.guance_billing_budget.month.forecast_billing_result
}

output "actual_percent" {
  description = "actual_billing_result as a percentage of monthly_budget."
  value       = data.guance_billing_budget.month.actual_percent
}

output "forecast_percent" {
  description = "forecast_billing_result as a percentage of monthly_budget."
  value       = data.guance_billing_budget.month.forecast_percent
}

output "change_percent" {
  description = "The change from the same days of the month before, in percent; null when that month cost nothing."
  value       = data.guance_billing_budget.month.change_percent
}

output "by_product" {
  description = "The decision per product_detail: actual, forecast, amount, actual_percent, forecast_percent, previous and status."
  value       = data.guance_billing_budget.month.by_product
}

output "runway_days" {
  description = "How many days the balance lasts at the run rate, when min_runway_days is set."
  value       = data.guance_billing_budget.month.runway_days
}
