# A year's trend month by month from one read: totals_by_month sums each calendar month
# exactly in the provider, and product_totals every amount per billed item.
data "guance_billing_details" "year" {
  start_date      = "2023-01-01"
  end_date        = "2023-12-31"
  include_records = false
}

output "monthly_trend" {
  value = data.guance_billing_details.year.totals_by_month # { "2023-01" = …, …, "2023-12" = … }
}

output "usage_by_product" {
  value = { for product, t in data.guance_billing_details.year.product_totals : product => t.count }
}

# Terraform's own arithmetic is binary: a difference of two exact amounts prints as
# 0.0039999999…846, so format it.
output "discount_by_product" {
  value = { for product, t in data.guance_billing_details.year.product_totals : product => format("%.4f", t.origin_amount - t.billing_result) }
}
