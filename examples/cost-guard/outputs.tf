output "period" {
  description = "The month-to-date period read, first and last day inclusive."
  value       = local.period
}

output "total_billing_result" {
  description = "What the month has cost so far, in the site's currency (exact)."
  value       = local.spend
}

output "totals_by_product" {
  description = "What each billed item has cost this month so far, in the site's currency (exact)."
  value       = data.guance_billing_details.month.totals_by_product
}

output "monthly_budget_used_percent" {
  description = "The share of the monthly budget spent so far, in percent, rounded down to a tenth."
  value       = local.used_percent
}

output "product_budgets_used_percent" {
  description = "The share of each product budget spent so far, in percent, rounded down to a tenth."
  value       = local.product_used_percent
}

output "total_balance" {
  description = "What the account holds across cash, coupons and stored-value cards, in the site's currency (exact)."
  value       = data.guance_billing_balance.account.total_balance
}

output "forecast_billing_result" {
  description = "What the month is forecast to cost by its last day at the recent run rate, in the site's currency; null before its first day is complete."
  value       = data.guance_billing_forecast.month.forecast_billing_result
}

output "latest_day_ratio" {
  description = "The latest complete day's spending over the daily mean of the days before it; null when there is nothing to compare with."
  value       = data.guance_billing_forecast.month.latest_day_ratio
}

output "currency" {
  description = "The currency the amounts are in, as the caller stated it (\"\" when not stated): the API reports none."
  value       = var.currency
}
