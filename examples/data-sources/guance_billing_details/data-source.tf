# Everything billed in March 2024, with exact totals.
data "guance_billing_details" "march" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
}

output "march_total" {
  value = data.guance_billing_details.march.total_billing_result
}

output "march_log_spend" {
  value = lookup(data.guance_billing_details.march.totals_by_product, "Log", 0)
}
